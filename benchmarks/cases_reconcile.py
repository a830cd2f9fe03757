"""The case ledger at county scale: reconcile N findings twice, then officer actions.

    NOTONELESS_WORKSPACE=/tmp/bench-ws .venv/bin/python benchmarks/cases_reconcile.py [--findings 20000]

Uses the local Neo4j of the workspace (started if not running, stopped at the end only
then). WARNING: clears the graph first, so point it at a throw-away workspace. Prints
seconds for: the first reconcile (every finding a new case), a second one with 10%
of the findings gone, 5% new and 1% of persons merged, and the mean latency of 200
officer actions (lock, validate, append event).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from notoneless.access.users import Role, create_user, find_user
from notoneless.cases.ledger import act, reconcile
from notoneless.cases.ledger_reads import list_cases
from notoneless.config import get_settings
from notoneless.graph.store import open_graph


def findings(n: int, offset: int = 0) -> dict[str, list[dict[str, str]]]:
    kids = [
        {"person_id": f"P{i:08d}", "姓名": f"儿童{i}", "身份证号": "", "出生日期": "2014-01-01",
         "户籍区划代码": f"431222{101 + i % 20:03d}{200 + i % 50:03d}", "责任县": "431222",
         "建档立卡": "是", "低保特困": "否", "残疾": "否"}
        for i in range(offset, offset + n // 2)
    ]  # fmt: skip
    missed = [{"person_id": f"P{i:08d}", "学期": "2025秋", "资格": "建档立卡", "责任县": "431222"} for i in range(offset, offset + n // 2)]
    return {"unmatched_children": kids, "missed_subsidies": missed}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=20_000)
    n = ap.parse_args().findings
    rng = random.Random(7)
    with open_graph(get_settings()) as store:
        store.init_schema()
        store.clear()
        first = findings(n)
        t = time.perf_counter()
        s1 = reconcile(store, "bench-1", first, merges={}, today=date(2025, 10, 20))
        t1 = time.perf_counter() - t
        second = {k: [r for r in rows if rng.random() > 0.10] for k, rows in first.items()}
        extra = findings(n // 10, offset=10_000_000)
        for k in second:
            second[k] += extra[k]
        merges = {f"P{i:08d}": f"P{i + 5_000_000:08d}" for i in rng.sample(range(n // 2), n // 200)}
        for rows in second.values():
            for r in rows:
                r["person_id"] = merges.get(r["person_id"], r["person_id"])
        t = time.perf_counter()
        s2 = reconcile(store, "bench-2", second, merges=merges, today=date(2025, 11, 20))
        t2 = time.perf_counter() - t
        cases = [c.case_id for c in list_cases(store, state="待核实")][:200]
        create_user(store, "基准县级数据员", Role.COUNTY, "431222")
        officer = find_user(store, "基准县级数据员")
        t = time.perf_counter()
        for case_id in cases:
            act(store, case_id, "start_verification", by=officer, today=date(2025, 11, 20))
        ta = (time.perf_counter() - t) / max(len(cases), 1)
    print(f"findings: {n:,}")
    print(f"reconcile 1: {t1:.1f} s ({s1.counts()})  {n / t1:,.0f} findings/s")
    print(f"reconcile 2: {t2:.1f} s ({s2.counts()})")
    print(f"act: {ta * 1000:.1f} ms mean over {len(cases)} actions")


if __name__ == "__main__":
    main()
