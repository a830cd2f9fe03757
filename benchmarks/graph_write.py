"""Write speed of the graph store on the local Neo4j: 100k children, two relationships each.

    .venv/bin/python benchmarks/graph_write.py [--children 100000] [--workers 2] [--per-row 2000] [--repeat 2]

Starts its own local Neo4j (a temporary workspace, a free port, the default heap and
page cache of Settings), warms it up with a fifth of the load (not measured), then, on
an emptied graph each time, writes:

1. villages and households (plain nodes, ``CREATE`` in ``UNWIND`` batches);
2. the children, each with ``MEMBER_OF`` its household and ``REGISTERED_IN`` its village:
   - ``batched, 1 writer``: one ``UNWIND $rows`` statement creates each child and its
     two relationships together (keys known to be new: ``CREATE``);
   - ``batched, N writers``: the same with ``--workers`` writers on batches of children
     sorted by village (so writers rarely lock the same node);
   - ``plain``: ``MERGE`` the children, then ``MERGE`` the relationships matching each
     child again by its key (the first, naive attempt);
   - ``per-row``: one transaction per child, on the first ``--per-row`` children only,
     its rate extrapolated to all of them (said so in the output).

The batched and plain methods run ``--repeat`` interleaved rounds and keep their best
(the machine may be shared). Prints nodes/s, relationships/s and (nodes +
relationships)/s of the children phase, and the same per CPU-second of Neo4j and the
client together (less sensitive to other work on the machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.store import GraphStore

QUERIES = Path(__file__).resolve().parent / "queries"


def make_rows(children: int, seed: int = 7) -> tuple[list[dict], list[dict], list[dict]]:
    """Villages, households and children of a synthetic county (deterministic)."""
    rng = random.Random(seed)
    villages = [{"code": f"522631{100 + i // 20:03d}{i % 20 + 1:03d}", "name": f"村{i}"} for i in range(300)]
    households: list[dict] = []
    kids: list[dict] = []
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    while len(kids) < children:
        village = villages[len(households) % len(villages)]["code"]
        household = {"key": f"H{len(households):07d}", "head_name": rng.choice(surnames) + "某"}
        households.append(household)
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            if len(kids) == children:
                break
            kids.append(
                {
                    "person_id": f"P{len(kids):07d}",
                    "name": household["head_name"][0] + rng.choice("伟芳娜敏静丽强磊军洋"),
                    "sex": rng.choice("MF"),
                    "birth_date": dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(365 * 12)),
                    "household": household["key"],
                    "village": village,
                }
            )
    kids.sort(key=lambda row: (row["village"], row["household"]))  # writers on mostly disjoint nodes
    return villages, households, kids


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepare(store: GraphStore, villages: list[dict], households: list[dict], batch: int) -> float:
    store.clear()
    return timed(
        lambda: (
            store.write_rows("graph_write/villages", villages, batch_size=batch),
            store.write_rows("graph_write/households", households, batch_size=batch),
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="writers of the parallel batched method")
    parser.add_argument("--per-row", type=int, default=2_000, help="children written one per transaction")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the batched methods; the best is kept")
    args = parser.parse_args()

    villages, households, kids = make_rows(args.children)
    edges = 2 * len(kids)
    with tempfile.TemporaryDirectory(prefix="notoneless-bench-") as workspace:
        settings = Settings(workspace=Path(workspace), graph_uri=None, graph_port=server.free_port())
        print(f"starting a local Neo4j (heap {settings.graph_heap}, page cache {settings.graph_pagecache}) …", flush=True)
        running = server.start(settings)
        try:
            assert running.uri is not None
            with GraphStore.connect(
                running.uri, "neo4j", server.read_password(settings), query_dirs=[QUERIES]
            ) as store:
                store.init_schema()
                print(f"Neo4j {store.server_version()}; {len(kids):,} children, {len(households):,} households, "
                      f"{len(villages)} villages; batches of {args.batch_size:,}")
                results: list[tuple[str, int, float, float, str]] = []
                assert running.pid is not None
                server_pid = running.pid

                def children_phase(label: str, run: Callable[[], object], count: int, note: str = "") -> None:
                    setup = prepare(store, villages, households, args.batch_size)
                    cpu_before = cpu_seconds(server_pid) + time.process_time()
                    seconds = timed(run)
                    cpu = cpu_seconds(server_pid) + time.process_time() - cpu_before
                    counts = store.node_counts()
                    assert counts["Person"] == count, counts
                    results.append((label, count, seconds, cpu, note))
                    print(f"  {label}: {seconds:.1f} s, {cpu:.1f} CPU s (villages+households first: {setup:.1f} s)",
                          flush=True)

                # Warm-up, not measured: the JVM compiles Neo4j's hot paths during the first writes.
                prepare(store, villages, households, args.batch_size)
                store.write_rows("graph_write/children", kids[: len(kids) // 5], batch_size=args.batch_size)
                relationship_rows = [{k: row[k] for k in ("person_id", "household", "village")} for row in kids]
                node_rows = [{k: row[k] for k in ("person_id", "name", "sex", "birth_date")} for row in kids]
                methods: list[tuple[str, Callable[[], object]]] = [
                    (
                        "batched, 1 writer",
                        lambda: store.write_rows("graph_write/children", kids, batch_size=args.batch_size),
                    ),
                    (
                        f"batched, {args.workers} writers",
                        lambda: store.write_rows(
                            "graph_write/children", kids, batch_size=args.batch_size, workers=args.workers
                        ),
                    ),
                    (
                        "plain (MERGE nodes, then MERGE relationships)",
                        lambda: (
                            store.write_rows("graph_write/children_merge", node_rows, batch_size=args.batch_size),
                            store.write_rows(
                                "graph_write/relationships_merge", relationship_rows, batch_size=args.batch_size
                            ),
                        ),
                    ),
                ]
                # Rounds interleave the methods, so a burst of other work on the machine does
                # not fall on one method only; each method keeps its best round.
                for _ in range(max(1, args.repeat)):
                    for label, run in methods:
                        children_phase(label, run, len(kids))
                subset = kids[: args.per_row]
                child = store.cypher("graph_write/child")
                children_phase(
                    "per-row (one transaction per child)",
                    lambda: [store.execute_write(lambda tx, row=row: tx.run(child, row).consume()) for row in subset],
                    len(subset),
                    f"measured on {len(subset):,} children, extrapolated",
                )
                store.clear()
        finally:
            print("stopping the local Neo4j …", flush=True)
            server.stop(settings)

    print()
    print(f"children phase: {len(kids):,} nodes + {edges:,} relationships = {len(kids) + edges:,} elements")
    load = os.getloadavg()[0]
    best: dict[str, tuple[str, int, float, float, str]] = {}
    for result in results:
        if result[0] not in best or result[2] < best[result[0]][2]:
            best[result[0]] = result
    print(f"{'method (best of ' + str(args.repeat) + ' rounds)':<48}{'seconds':>9}{'nodes/s':>10}{'edges/s':>10}"
          f"{'nodes+edges/s':>15}{'per CPU s':>11}")
    for label, count, seconds, cpu, note in best.values():
        nodes_s, edges_s = count / seconds, 2 * count / seconds
        total = seconds * len(kids) / count
        shown = f"{total:.1f}*" if note else f"{seconds:.1f}"
        print(f"{label:<48}{shown:>9}{nodes_s:>10,.0f}{edges_s:>10,.0f}{nodes_s + edges_s:>15,.0f}{3 * count / cpu:>11,.0f}")
    for label, _, _, _, note in results:
        if note:
            print(f"* {label}: {note} to {len(kids):,} children")
    print(f"per CPU s: nodes+edges per CPU-second of Neo4j and this client together "
          f"({os.cpu_count()} cores, load average {load:.1f} now: other work on the machine slows the wall-clock rates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
