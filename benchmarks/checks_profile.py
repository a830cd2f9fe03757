"""PROFILE the checks' graph queries on a workspace's graph (issue 21): per query its rows,
wall time, the Neo4j process's CPU time (local server), its db hits and the operators
where they go.

    .venv/bin/python benchmarks/checks_profile.py WORKSPACE [--status] [--operators]

WORKSPACE is a workspace a run has loaded (e.g. ``DIR/ws`` of ``run_scale.py``); its local
Neo4j is started if it is not running (and stopped again). ``--status`` also times
``checks/person_status`` over every person (``catalogue.derive_status``: the graph's
definition of the status the load writes with each Person; it rewrites the same values).
``--operators`` prints every operator with its db hits and rows. Each query runs once
plainly (the time) and once under PROFILE (the db hits). The machine's load average is
printed: other work on it slows every figure, the db hits do not change with it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from notoneless.checks import catalogue
from notoneless.checks.findings import CheckContext
from notoneless.config import Settings
from notoneless.graph.store import open_graph

# The checks' own queries and their parameters (from the manifest).
QUERIES = (
    "checks/unmatched_children",
    "checks/cross_county_students",
    "checks/duplicate_subsidies",
    "checks/missed_subsidies",
    "checks/contact_gaps",
)


def _neo4j_cpu(ws: Path) -> float | None:
    """User + system CPU seconds of the workspace's local Neo4j so far (None if not local)."""
    try:
        pid = int((ws / "neo4j" / "server.pid").read_text().strip())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _operators(plan: dict, depth: int = 0) -> list[tuple[int, str, int, int, str]]:
    ops = [(depth, plan["operatorType"].split("@")[0], plan.get("dbHits", 0), plan.get("rows", 0),
            str(plan.get("args", {}).get("Details", ""))[:110])]
    for child in plan.get("children", []):
        ops += _operators(child, depth + 1)
    return ops


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--status", action="store_true", help="also time checks/person_status over every person")
    ap.add_argument("--operators", action="store_true", help="print every operator's db hits and rows")
    args = ap.parse_args()
    ws = args.workspace
    import duckdb

    with duckdb.connect(str(ws / "linkage.duckdb"), read_only=True) as con:
        ctx = CheckContext.from_workspace(con)
    params = {
        "checks/missed_subsidies": {"term": ctx.term},
        "checks/contact_gaps": {"last_day": ctx.window()[1].isoformat()},
    }
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores, shared)", flush=True)
    with open_graph(Settings(workspace=ws)) as store:
        if args.status:
            started, cpu = time.perf_counter(), _neo4j_cpu(ws)
            n = catalogue.derive_status(store, ctx)
            took, cpu = time.perf_counter() - started, (_neo4j_cpu(ws) or 0) - (cpu or 0)
            print(f"{'checks/person_status':<30} {n:>8,} persons {took:7.2f} s  Neo4j CPU {cpu:6.2f} s", flush=True)
        for name in QUERIES:
            p = params.get(name, {})
            started, cpu = time.perf_counter(), _neo4j_cpu(ws)
            rows = store.query(name, **p)
            took, cpu = time.perf_counter() - started, (_neo4j_cpu(ws) or 0) - (cpu or 0)
            with store._session() as session:  # PROFILE needs the plain session (not execute_query)
                result = session.run("PROFILE " + store.cypher(name), p)
                list(result)  # the profile is there once the rows have been read
                summary = result.consume()
            ops = _operators(summary.profile)
            print(f"{name:<30} {len(rows):>8,} rows    {took:7.2f} s  Neo4j CPU {cpu:6.2f} s  "
                  f"db hits {sum(o[2] for o in ops):>10,}", flush=True)
            top = sorted(ops, key=lambda o: -o[2])[:3]
            print("    most db hits: " + "; ".join(f"{o[1]} {o[2]:,}" for o in top))
            if args.operators:
                for depth, op, hits, n, details in ops:
                    print(f"    {'  ' * depth}{op} hits={hits:,} rows={n:,} {details}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
