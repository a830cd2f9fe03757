"""Speed of the sample-bundle generator at the demo size (4 counties x 15,000
children, about 220k person records), or any size given on the command line.

    .venv/bin/python benchmarks/generate.py [--counties 4] [--children-per-county 15000] [--profile default|hard] [--out DIR]

Prints wall-clock and CPU seconds per stage and the record count of every file.
The acceptance target is under a minute for the demo size on the project machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from notoneless.synth import generate_bundle
from notoneless.synth.rates import PROFILES, world_config
from notoneless.synth.writer import FORMATS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=4)
    ap.add_argument("--children-per-county", type=int, default=15_000)
    ap.add_argument("--seed", type=int, default=20251015)
    ap.add_argument("--profile", choices=tuple(PROFILES), default="default")
    ap.add_argument("--dirt", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    config = world_config(args.profile, args.dirt, counties=args.counties, children_per_county=args.children_per_county,
                          seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        names = iter(("simulate + dirt", "write bundle", "oracle + truth"))
        stages = []
        t0, c0 = time.perf_counter(), time.process_time()

        def mark(_message: str) -> None:  # generate_bundle reports the start of each stage
            stages.append((time.perf_counter(), time.process_time()))

        summary = generate_bundle(out, config, FORMATS, progress=mark)
        stages.append((time.perf_counter(), time.process_time()))
        stages = [(name, w, c) for name, (w, c) in zip(names, stages[1:])]
        files, findings = summary.files, summary.findings
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"generate {args.counties} counties x {args.children_per_county:,} children (seed {args.seed}, "
          f"profile {args.profile}, dirt x{args.dirt:g})")
    prev_w, prev_c = t0, c0
    for name, w, c in stages:
        print(f"  {name:<16} {w - prev_w:7.1f} s wall {c - prev_c:7.1f} s cpu")
        prev_w, prev_c = w, c
    print(f"  {'total':<16} {wall:7.1f} s wall {cpu:7.1f} s cpu")
    person_records = 0
    for stem, (name, rows) in files.items():
        print(f"  {stem:<10} {name:<24} {rows:>9,}")
        if stem in ("hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu"):
            person_records += rows
    print(f"  person records {person_records:,}")
    for name, n in findings.items():
        print(f"  truth {name:<24} {n:>7,}")


if __name__ == "__main__":
    main()
