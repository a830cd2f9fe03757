"""The checks and cases stages of a run, alone, on a workspace a run has loaded (issue 21):
several code versions alternated on the same graph, so that the machine's load falls on
each alike.

    .venv/bin/python benchmarks/checks_cases.py WORKSPACE --src old=/path/a/src --src new=/path/b/src \
        [--mode first|rerun] [--rounds 3] [--calls]

WORKSPACE is e.g. ``DIR/ws`` of ``run_scale.py``; its local Neo4j is started once for all
rounds (and stopped at the end if this started it). Each round runs, for each ``--src``
in turn, one child process with that ``src`` on its ``PYTHONPATH`` doing what the run's
``checks`` and ``cases`` stages do with the graph: the five checks (``run_checks``),
recording the findings (``record_findings``), the decisions' status and review queue
(``honour.record_run``), reconciling the ledger (``reconcile``) and assessing the review
items (``assess``), each timed, under a new run id. ``--mode first`` removes the findings
and the ledger before each child (``checks_cases/reset_ledger``, not timed), so every
round is a first run's; ``rerun`` (the default) leaves them, so every round is an
unchanged re-run's. The Neo4j process's CPU seconds and the load average are printed too.
WARNING: ``first`` deletes the workspace's cases: use a throw-away workspace.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from checks_profile import _neo4j_cpu

from notoneless.config import Settings
from notoneless.graph import server

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"

CHILD = r"""
import datetime as dt, json, sys, time
from pathlib import Path
import duckdb
from notoneless.bundle.coverage import covered_counties
from notoneless.cases.ledger import reconcile
from notoneless.checks.catalogue import record_findings, run_checks
from notoneless.checks.findings import CheckContext
from notoneless.config import Settings
from notoneless.decisions import honour
from notoneless.decisions.consequence import assess
from notoneless.graph import server
from notoneless.graph.store import GraphStore
ws, mode, run_id, queries, calls = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]), sys.argv[5] == "calls"
settings = Settings(workspace=ws)
spent = {}
if calls:  # time every named query of the store (a write transaction: by the function running it)
    def timed(method, name_of):
        def wrapper(self, *args, **kw):
            t = time.perf_counter()
            try:
                return method(self, *args, **kw)
            finally:
                key = name_of(args)
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - t
        return wrapper
    for method in ("query", "write_rows", "run_batched"):
        setattr(GraphStore, method, timed(getattr(GraphStore, method), lambda a, m=method: f"{m} {a[0]}"))
    GraphStore.execute_write = timed(GraphStore.execute_write,
                                     lambda a: f"execute_write {getattr(a[0], '__qualname__', a[0])}")
running = server.start(settings)
took = {}
with duckdb.connect(str(settings.paths.linkage)) as con, \
        GraphStore.connect(running.uri, "neo4j", server.read_password(settings), query_dirs=[queries]) as store:
    if mode == "first":
        store.run_batched("checks_cases/reset_ledger")
    ctx = CheckContext.from_workspace(con)
    store.query("runs/start", run_id=run_id, name="bench", province_code=ctx.province_code, term=ctx.term,
                reference_date=ctx.reference_date.isoformat(), bundle="bench",
                started_at=dt.datetime.now(dt.UTC).isoformat())
    decided = honour.map_to_records(con, honour.read_decisions(store))
    t = time.perf_counter()
    findings = run_checks(store, ctx, on_check=lambda kind, n, s: took.__setitem__(kind, s))
    took["checks: queries"] = time.perf_counter() - t
    t = time.perf_counter()
    record_findings(store, run_id, findings)
    took["checks: record"] = time.perf_counter() - t
    t = time.perf_counter()
    honour.record_run(store, con, run_id, decided)
    took["checks: decisions"] = time.perf_counter() - t
    t = time.perf_counter()
    changes = reconcile(store, run_id, {k: [f.row for f in rows] for k, rows in findings.items()},
                        history_path=settings.paths.history, coverage=covered_counties(con))
    took["cases: reconcile"] = time.perf_counter() - t
    t = time.perf_counter()
    store.query("reviews/consequence_facts", run_id=run_id, closed=["销号"])  # timed alone too: its plan
    took["(of it: the facts query)"] = time.perf_counter() - t
    t = time.perf_counter()
    assess(store, run_id)
    took["cases: assess"] = time.perf_counter() - t
print(json.dumps({"took": took, "findings": sum(len(v) for v in findings.values()), "cases": changes.counts(),
                  "calls": spent}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--src", action="append", required=True, help="NAME=PATH of a src/ folder; give two or more")
    ap.add_argument("--mode", choices=("first", "rerun"), default="rerun")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--calls", action="store_true", help="also print the seconds of each named query (>= 0.2 s)")
    args = ap.parse_args()
    versions = dict(s.split("=", 1) for s in args.src)
    settings = Settings(workspace=args.workspace)
    running = server.start(settings)
    try:
        for rnd in range(1, args.rounds + 1):
            for name, src in versions.items():
                run_id = f"bench-{time.strftime('%Y%m%dT%H%M%S')}-{name}"
                load, cpu = os.getloadavg()[0], _neo4j_cpu(args.workspace)
                env = {**os.environ, "PYTHONPATH": src}
                done = subprocess.run([sys.executable, "-c", CHILD, str(args.workspace), args.mode, run_id, str(QUERIES),
                                       "calls" if args.calls else "-"], env=env, capture_output=True, text=True)
                if done.returncode:
                    sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
                out = json.loads(done.stdout.strip().splitlines()[-1])
                took = out["took"]
                checks = sum(v for k, v in took.items() if k.startswith("checks:"))
                cases = sum(v for k, v in took.items() if k.startswith("cases:"))
                print(f"round {rnd} {name:<6} {args.mode}: checks + cases {checks + cases:6.1f} s (checks {checks:.1f}, "
                      f"cases {cases:.1f}); Neo4j CPU {(_neo4j_cpu(args.workspace) or 0) - (cpu or 0):.1f} s; "
                      f"load average {load:.1f} before; {out['findings']:,} findings; cases {out['cases']}", flush=True)
                print("    " + ", ".join(f"{k} {v:.2f}" for k, v in took.items()), flush=True)
                if args.calls:
                    slow = sorted(((v, k) for k, v in out["calls"].items() if v >= 0.2), reverse=True)
                    print("    calls: " + ", ".join(f"{k} {v:.2f}" for v, k in slow), flush=True)
    finally:
        if running.started:
            server.stop(settings)


if __name__ == "__main__":
    main()
