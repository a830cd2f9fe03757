"""The incremental graph load alone, phase by phase (issue 21): a workspace's graph brought
from one run's rows to another's and back, again and again, so that code versions can be
alternated on the same graph and the same change.

    .venv/bin/python benchmarks/incremental_load.py WORKSPACE A.duckdb B.duckdb \
        [--src name=/path/to/src ...] [--rounds 2]

WORKSPACE is e.g. ``DIR/ws`` of ``run_scale.py`` after its runs; A and B are copies of
its ``linkage.duckdb`` after a run of two bundles that differ by a few per cent (e.g.
``run_scale.py``'s bundle and its 5 %-changed one, run in that workspace one after the
other, so that the person ids are the stable ones). The graph must hold A's load when the
benchmark starts (the workspace's ``graph_load.duckdb`` and the graph's marker agree).

Each round loads B, then A, each in a new child process (with each ``--src`` in turn on its
``PYTHONPATH``; default: this checkout's), under a new run id, the officers' 三包 events
read as a run reads them. Each load is what a monthly re-run's load stage does: compare,
delete, write, finish. Prints each load's phases (``LoadReport.phases``), rows written
and deleted, and Neo4j's CPU seconds during it; the machine's load average before each.
``--cold`` stops the server before each load, so that each meets a server just started,
as a run does (its start's seconds printed too; Neo4j's CPU seconds then include the start).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from checks_profile import _neo4j_cpu

from notoneless.config import Settings
from notoneless.graph import server

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time, uuid
from pathlib import Path
import duckdb
from notoneless.checks.findings import CheckContext
from notoneless.config import Settings
from notoneless.contacts.effective import ServiceStatements
from notoneless.graph import server
from notoneless.graph.load import load_graph
from notoneless.graph.store import GraphStore
ws, db = Path(sys.argv[1]), sys.argv[2]
settings = Settings(workspace=ws)
t0 = time.perf_counter()
running = server.start(settings)
start_s = time.perf_counter() - t0 if running.started else 0.0
with duckdb.connect(db) as con, GraphStore.connect(running.uri, "neo4j", server.read_password(settings)) as store:
    ctx = CheckContext.from_workspace(con)
    started = time.perf_counter()
    service = ServiceStatements.read(store, ctx.reference_date, settings.paths.history)
    spans = {}
    def on_progress(label, done, total):
        now = time.perf_counter()
        spans.setdefault(label, [now, now, total])[1] = now
    report = load_graph(con, store, run_id="bench-" + uuid.uuid4().hex[:8], service=service, on_progress=on_progress,
                        state=settings.paths.graph_load, writers=settings.graph_load_writers, settings=settings)
    seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "start": start_s, "mode": report.mode, "phases": report.phases,
                  "written": sum(report.rows.values()), "deleted": sum(report.deleted.values()),
                  "steps": {k: [round(v[1] - v[0], 2), v[2]] for k, v in spans.items()}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workspace", type=Path)
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--src", action="append", default=[], help="name=/path/to/src (repeatable)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--steps", action="store_true", help="also print each written step's rows and seconds")
    ap.add_argument("--cold", action="store_true",
                    help="stop the server before each load, so that each meets a just-started server, as a run does")
    args = ap.parse_args()
    sources = [tuple(s.split("=", 1)) for s in args.src] or [("this", str(ROOT / "src"))]
    settings = Settings(workspace=args.workspace)
    started_here = not (server.status(settings).running)
    server.start(settings)
    print(f"{'round':>5} {'src':>8} {'to':>2} {'mode':>11} {'load s':>7} {'prepare':>7} {'compare':>7} "
          f"{'delete':>7} {'write':>7} {'finish':>7} {'written':>8} {'deleted':>7} {'neo4j cpu':>9} {'loadavg':>7} {'start s':>7}")
    try:
        for rnd in range(1, args.rounds + 1):
            for name, src in sources:
                for to, db in (("B", args.b), ("A", args.a)):
                    if args.cold:
                        server.stop(settings)
                    load = os.getloadavg()[0]
                    cpu = _neo4j_cpu(args.workspace) or 0.0
                    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, str(ROOT / "benchmarks")])}
                    done = subprocess.run([sys.executable, "-c", CHILD, str(args.workspace), str(db)],
                                          env=env, capture_output=True, text=True)
                    if done.returncode:
                        sys.exit(f"load failed ({done.returncode}):\n{done.stderr[-3000:]}")
                    r = json.loads(done.stdout.strip().splitlines()[-1])
                    p = r["phases"]
                    print(f"{rnd:>5} {name:>8} {to:>2} {r['mode']:>11} {r['seconds']:>7.1f} "
                          + " ".join(f"{p.get(k, 0.0):>7.1f}" for k in ("prepare", "compare", "delete", "write", "finish"))
                          + f" {r['written']:>8,} {r['deleted']:>7,} {(_neo4j_cpu(args.workspace) or 0.0) - cpu:>9.1f} {load:>7.1f} {r['start']:>7.1f}",
                          flush=True)
                    if args.steps:
                        print("      " + "; ".join(f"{k} {n:,} rows {s:.1f} s" for k, (s, n) in r["steps"].items() if n))
    finally:
        if started_here:
            server.stop(settings)


if __name__ == "__main__":
    main()
