"""The first load into an empty graph (issue 21): nodes + relationships per second.

    .venv/bin/python benchmarks/first_load.py --dir DIR [--records 220000] [--writers 1,2,4] [--merge] [--bulk] [--repeat 1]

Needs a workspace that a run made: ``DIR/ws/linkage.duckdb`` (made here, by one
``notoneless run`` of ``DIR/bundle``, when missing; the bundle generated like
``run_scale.py`` when missing too). Copies its DuckDB file, starts its own local Neo4j
(``DIR/graph``, a free port, the default heap and page cache), and then, on a graph
emptied each time, calls ``load_graph`` (no workspace state: a full load) with:

- ``merge``: one Division node no bundle has put in first, so the graph holds run data
  and the load takes the MERGE path, as every full load did before (it removes that node
  as stale); with ``--merge`` only, or when the code has no first-load path (``main``
  before it: then that is the only way measured);
- ``N writers``: the first-load path (CREATE, the parallel steps by N sessions);
- ``bulk`` (``--bulk``): the first load by Neo4j's offline importer (graph/bulk_import.py:
  the store is the workspace's own local server, the importer on), after the CREATE loads;
  its phases (export, import, stop, start, schema, restore, marker) printed too, and the
  CPU seconds of the processes it waited for (the importer, the stopped server).

Prints, per load: the whole load's seconds and its phases, the write phase's seconds,
the nodes and relationships the graph holds then, nodes+relationships per second of the
whole load and of its write phase, the CPU seconds of Neo4j and of this process during
the load, the transactions the driver retried (a deadlock between writers is one), and
the machine's load average before it (other work on the 2 cores slows
every figure).
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.load import load_graph
from notoneless.graph.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"
RECORDS_PER_CHILD = 3.69

CHILD = r"""
import json, sys, time
from pathlib import Path
from rich.console import Console
from notoneless.config import Settings
from notoneless.run import run_bundle
bundle, out, ws, log = sys.argv[1:5]
with open(log, "w", encoding="utf-8") as fh:
    report = run_bundle(Path(bundle), Path(out), Settings(workspace=Path(ws)), console=Console(file=fh, width=200))
print(json.dumps({"seconds": report.seconds}))
"""


class Retries(logging.Handler):
    """Counts the driver's retried transactions (a deadlock between writers is one)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "will be retried" in record.getMessage():
            self.count += 1


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def workspace(base: Path, records: int, counties: int, seed: int) -> Path:
    """DIR/ws/linkage.duckdb, made by one run of DIR/bundle when missing."""
    bundle, ws = base / "bundle", base / "ws"
    if not (bundle / "manifest.json").is_file():
        from notoneless.synth.generate import generate_bundle
        from notoneless.synth.rates import WorldConfig

        children = max(100, round(records / RECORDS_PER_CHILD / counties))
        generate_bundle(base, WorldConfig(counties=counties, children_per_county=children, seed=seed))
    if not (ws / "linkage.duckdb").is_file():
        print("one run to make the workspace …", flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run([sys.executable, "-c", CHILD, str(bundle), str(base / "out"), str(ws),
                               str(base / "run.log")], check=False, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"the run failed:\n{done.stderr[-3000:]}")
        print("run stages:", done.stdout.strip().splitlines()[-1], flush=True)
    return ws / "linkage.duckdb"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--records", type=int, default=220_000)
    ap.add_argument("--counties", type=int, default=4)
    ap.add_argument("--seed", type=int, default=20251015)
    ap.add_argument("--writers", default="1,2,4")
    ap.add_argument("--merge", action="store_true", help="measure the MERGE path too")
    ap.add_argument("--bulk", action="store_true", help="measure the offline importer too")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    base = args.dir.resolve()
    source = workspace(base, args.records, args.counties, args.seed)
    copy = base / "first_load.duckdb"
    shutil.copyfile(source, copy)
    con = duckdb.connect(str(copy))
    has_first_load = "writers" in inspect.signature(load_graph).parameters
    configs: list[str | int] = ["merge"] if args.merge or not has_first_load else []
    if has_first_load:
        configs += [int(n) for n in args.writers.split(",") if n]
    if args.bulk:
        configs.append("bulk")
    retries = Retries()
    logging.getLogger("neo4j.session").addHandler(retries)
    try:
        for round_no in range(args.repeat):
            for config in configs:
                measure(con, base / f"graph-{round_no}-{config}", config, round_no, has_first_load, retries)
    finally:
        con.close()


def measure(con: duckdb.DuckDBPyConnection, graph_ws: Path, config: str | int, round_no: int,
            has_first_load: bool, retries: Retries) -> None:
    """One load into a new local Neo4j (a new store each time, as a first load meets it)."""
    shutil.rmtree(graph_ws, ignore_errors=True)
    settings = Settings(workspace=graph_ws, graph_uri=None, graph_port=server.free_port(),
                        graph_bulk_import="auto" if config == "bulk" else "off")
    running = server.start(settings)
    try:
        assert running.uri is not None and running.pid is not None
        with GraphStore.connect(running.uri, "neo4j", server.read_password(settings), query_dirs=[QUERIES]) as store:
            store.local = True  # the workspace's own local server (as open_graph marks it)
            store.init_schema()
            run_id = f"bench-{round_no}-{config}"
            if config == "merge":
                store.query("first_load/sentinel", run_id="bench-sentinel")
            load = os.getloadavg()
            neo_cpu, own_cpu = cpu_seconds(running.pid), time.process_time()
            children_cpu = _children_cpu()
            retries.count = 0
            started = time.perf_counter()
            kwargs: dict = {} if config == "merge" or not has_first_load else {"writers": config}
            if config == "bulk":
                kwargs = {"settings": settings}
            steps: dict[str, list[float]] = {}  # label: [first call, last call]

            def on_progress(label: str, _done: int, _total: int) -> None:
                now = time.perf_counter()
                steps.setdefault(label, [now, now])[1] = now

            report = load_graph(con, store, run_id=run_id, on_progress=on_progress, **kwargs)
            seconds = time.perf_counter() - started
            # the bulk load restarts the server: its first process's CPU is then among the children's
            restarted = server.status(settings).pid != running.pid
            neo_cpu = None if restarted else cpu_seconds(running.pid) - neo_cpu
            own_cpu, children_cpu = time.process_time() - own_cpu, _children_cpu() - children_cpu
            counts = store.query("first_load/counts")[0]
            items = counts["nodes"] + counts["relationships"]  # the load's own (and its marker)
            write = report.phases.get("write", float("nan"))
            bulk = getattr(report, "bulk_phases", {})
            if config == "bulk" and not report.bulk:
                print(f"bulk import refused: {report.bulk_refused}", flush=True)
            print(json.dumps({
                "config": config if config in ("merge", "bulk") else f"{config} writer(s)",
                "first_load": getattr(report, "first_load", False), "neo4j": store.server_version(),
                "heap": settings.graph_heap, "pagecache": settings.graph_pagecache,
                "seconds": round(seconds, 1), "phases": {k: round(v, 1) for k, v in report.phases.items()},
                "nodes": counts["nodes"], "relationships": counts["relationships"],
                "per_s_load": round(items / seconds), "per_s_write": round(items / write),
                "step_seconds": {k.split()[0] + (k.split()[1] if k.startswith(("RESP", "TO")) else ""):
                                 round(t[1] - t[0], 1) for k, t in steps.items() if t[1] - t[0] >= 0.5},
                "rows": sum(report.rows.values()), "retried_transactions": retries.count,
                **({"bulk_phases": {k: round(v, 1) for k, v in bulk.items()}} if bulk else {}),
                "cpu_neo4j_s": None if neo_cpu is None else round(neo_cpu, 1), "cpu_python_s": round(own_cpu, 1),
                "cpu_children_s": round(children_cpu, 1),
                "load_avg_before": [round(x, 1) for x in load],
                "load_avg_after": [round(x, 1) for x in os.getloadavg()],
            }, ensure_ascii=False), flush=True)
    finally:
        server.stop(settings)
        shutil.rmtree(graph_ws, ignore_errors=True)


if __name__ == "__main__":
    main()
