"""Two months of the case ledger as a county officer lives them, at the ledger level.

    NOTONELESS_WORKSPACE=/tmp/cycle-ws .venv/bin/python benchmarks/monthly_cycle.py [--children 1500]

Two counties (431202 鹤城区, 431221 中方县) of N children each. Month 1 (2025-10-20):
every child of the first 10% is 疑似失学辍学 and misses 2025秋 生活补助; officers start
verification on half of the dropout cases. Month 2 (2025-11-20), the month-2 findings:
5% of those children are now enrolled (their dropout finding is gone), 2% moved county
(their finding names the other county), 3% more children appear, and 5% have been paid
(their 漏助 finding is gone). Each month is reconciled with the counties as coverage,
as a run of the bundle would; the script prints the change feed of month 2
(``cases changes``) per county and kind, and checks the counts against what it changed.

It drives ``cases.ledger.reconcile`` with findings rows, not whole bundle runs (linkage
and checks are measured elsewhere): the change feed is the ledger's. WARNING: clears the
graph first, so point it at a throw-away workspace. Uses the local Neo4j of the
workspace (started if not running, stopped at the end only then).

Measured 2025-12-05 (2 shared cores, default 1,500 children per county): month 2's feed
new 16, resolved_by_data 30, transferred_in 6 (each as expected), still_open 564;
per county 431202: new 8, resolved 13, in 2, out 4; 431221: new 8, resolved 17, in 4,
out 2. Reconcile 20.3 s (month 1, 600 new cases), 7.3 s (month 2).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from datetime import date

from notoneless.access.users import Role, create_user, find_user
from notoneless.cases.ledger import act, reconcile
from notoneless.cases.ledger_reads import case_changes, list_cases
from notoneless.config import get_settings
from notoneless.graph.store import open_graph

COUNTIES = ("431202", "431221")
MONTH_1, MONTH_2 = date(2025, 10, 20), date(2025, 11, 20)


def child(county: str, i: int) -> dict[str, str]:
    return {"person_id": f"P{county}{i:05d}", "姓名": f"儿童{i}", "身份证号": "", "出生日期": "2014-01-01",
            "户籍区划代码": f"{county}101{200 + i % 20:03d}", "责任县": county,
            "建档立卡": "是", "低保特困": "否", "残疾": "否"}  # fmt: skip


def missed(row: dict[str, str]) -> dict[str, str]:
    return {"person_id": row["person_id"], "学期": "2025秋", "资格": "建档立卡", "责任县": row["责任县"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=1500, help="children per county")
    n = ap.parse_args().children
    rng = random.Random(19)
    kids = [child(c, i) for c in COUNTIES for i in range(n // 10)]  # the 10% out of school
    month1 = {"unmatched_children": kids, "missed_subsidies": [missed(k) for k in kids]}

    enrolled = set(rng.sample([k["person_id"] for k in kids], len(kids) // 20))
    rest = [k for k in kids if k["person_id"] not in enrolled]
    moved = set(rng.sample([k["person_id"] for k in rest], len(kids) // 50))
    paid = set(rng.sample([k["person_id"] for k in kids], len(kids) // 20))
    added = [child(c, n + i) for c in COUNTIES for i in range(len(kids) // 66)]  # 3% more
    other = dict(zip(COUNTIES, reversed(COUNTIES), strict=True))
    month2_kids = [({**k, "责任县": other[k["责任县"]], "户籍区划代码": other[k["责任县"]] + k["户籍区划代码"][6:]}
                    if k["person_id"] in moved else k) for k in rest] + added
    month2 = {"unmatched_children": month2_kids,
              "missed_subsidies": [missed(k) for k in kids if k["person_id"] not in paid] + [missed(k) for k in added]}

    with open_graph(get_settings()) as store:
        store.init_schema()
        store.clear()
        t = time.perf_counter()
        reconcile(store, "month-1", month1, merges={}, today=MONTH_1, coverage=COUNTIES)
        t1 = time.perf_counter() - t
        create_user(store, "鹤城区数据员", Role.COUNTY, "431202")
        create_user(store, "中方县数据员", Role.COUNTY, "431221")
        officers = {"431202": find_user(store, "鹤城区数据员"), "431221": find_user(store, "中方县数据员")}
        started = 0
        for c in list_cases(store, case_type="dropout")[::2]:
            act(store, c.case_id, "start_verification", by=officers[c.responsible_county], today=MONTH_1)
            started += 1
        t = time.perf_counter()
        reconcile(store, "month-2", month2, merges={}, today=MONTH_2, coverage=COUNTIES)
        t2 = time.perf_counter() - t
        feed = {county: Counter(r["change"] for r in case_changes(store, "month-2", county=county)[1])
                for county in COUNTIES}
        _, every = case_changes(store, "month-2")
    total = Counter(r["change"] for r in every)
    print(f"children: {n:,} per county × {len(COUNTIES)}; month 1: {len(kids)} out of school, "
          f"{len(kids)} 漏助; officers started verification on {started}")
    print(f"month 2 data: {len(enrolled)} enrolled, {len(moved)} moved county, {len(added)} added, {len(paid)} paid")
    print(f"reconcile month 1: {t1:.1f} s, month 2: {t2:.1f} s")
    for county, counts in feed.items():
        print(f"{county}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("all: " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    expected = {"new": 2 * len(added), "resolved_by_data": len(enrolled) + len(paid),
                "transferred_in": len(moved)}
    for kind, want in expected.items():
        print(f"check {kind}: {total.get(kind, 0)} (expected {want})"
              + ("" if total.get(kind, 0) == want else "  MISMATCH"))


if __name__ == "__main__":
    main()
