"""Peak memory of this process, for the benchmarks.

``VmHWM`` of ``/proc/self/status``: the peak resident set of this process's own address
space. Not ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries a parent's peak
over fork and exec into the child's ``ru_maxrss``, so a worker started by a benchmark
that had generated a bundle in-process reported at least the parent's peak (measured: a
child of a 1 GiB parent reports 1,038 MiB by ``ru_maxrss`` and 13 MiB by ``VmHWM``).
"""

from __future__ import annotations

from pathlib import Path


def peak_rss_gib() -> float:
    """This process's peak resident memory in GiB (``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    raise RuntimeError("no VmHWM in /proc/self/status (the benchmarks need Linux)")
