"""A small county scene for the API tests, loaded into the real graph the way a run does
(hand-built workspace → graph load → checks → findings → case ledger), and one user
per role.

Province 43. County A 431202: town T1 431202101 (villages V1, V2), town T2 431202102
(village V3), school S1 3143000001. County B 431221: town 431221101 (village V4),
school S2 3143000002.

- P01 张伟, V1, not enrolled → 疑似失学辍学 (case in A/T1); 包人 contact C1 (phone).
- P02 章伟 (a homophone of 张伟), V3, student at S1.
- P03 李娜, registered in V4 (county B), student at S1 (county A): cross-county.
- P04 王芳, V4, not enrolled → 疑似失学辍学 (case in B).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
from handbuilt_workspace import build_workspace, make_id

from notoneless.access.users import Role, create_user
from notoneless.cases.ledger import reconcile
from notoneless.checks.catalogue import record_findings, run_checks
from notoneless.checks.findings import CheckContext
from notoneless.graph.load import load_graph

A, B = "431202", "431221"
T1, T2, TB = "431202101", "431202102", "431221101"
V1, V2, V3, V4 = "431202101001", "431202101002", "431202102001", "431221101001"
S1, S2 = "3143000001", "3143000002"
RUN_ID = "run-api-1"
PHONE = "13812345678"

ID = {
    "P01": make_id(A, "20150301", "011"),
    "P02": make_id(A, "20140406", "022"),
    "P03": make_id("431221", "20130505", "031"),
    "P04": make_id("431221", "20160707", "042"),
}
XUEJI_P02 = "G" + ID["P02"]
# P01's 建档立卡 household: a 户号 of 16 digits, as generated bundles have them (village code + 4),
# which masking treats as an ID-like number
HOUSEHOLD_P01 = V1 + "0001"

DIVISIONS = [
    ("43", "湖南省", "省", None), ("4312", "怀化市", "市", "43"),
    (A, "鹤城区", "县", "4312"), (T1, "城南镇", "乡", A), (V1, "一村", "村", T1), (V2, "二村", "村", T1),
    (T2, "城北镇", "乡", A), (V3, "三村", "村", T2),
    (B, "中方县", "县", "4312"), (TB, "中方镇", "乡", B), (V4, "四村", "村", TB),
]  # fmt: skip
SCHOOLS = [(S1, "鹤城小学", A, "小学"), (S2, "中方小学", B, "小学")]
RECORDS = [
    {"source": "hukou", "row": 1, "person_id": "P01", "id": ID["P01"], "name": "张伟", "code": V1,
     "household": "H001", "hukou_status": "正常", "relation": "子"},
    {"source": "fupin", "row": 1, "person_id": "P01", "id": ID["P01"], "name": "张伟", "code": V1,
     "household": HOUSEHOLD_P01, "poverty_type": "一般贫困户", "relation": "子"},
    {"source": "hukou", "row": 2, "person_id": "P02", "id": ID["P02"], "name": "章伟", "code": V3,
     "household": "H002", "hukou_status": "正常", "relation": "子"},
    {"source": "xueji", "row": 1, "person_id": "P02", "id": ID["P02"], "name": "章伟", "code": V3,
     "xueji_no": XUEJI_P02, "school_id": S1, "grade": "五年级", "enrol_status": "在读"},
    {"source": "hukou", "row": 3, "person_id": "P03", "id": ID["P03"], "name": "李娜", "code": V4,
     "household": "H003", "hukou_status": "正常", "relation": "女"},
    {"source": "xueji", "row": 2, "person_id": "P03", "id": ID["P03"], "name": "李娜", "code": V4,
     "xueji_no": "G" + ID["P03"], "school_id": S1, "grade": "六年级", "enrol_status": "在读"},
    {"source": "hukou", "row": 4, "person_id": "P04", "id": ID["P04"], "name": "王芳", "code": V4,
     "household": "H004", "hukou_status": "正常", "relation": "女"},
]  # fmt: skip
CONTACTS = [{"contact_id": "C1", "name": "刘老师", "type": "包人", "target": ID["P01"], "target_norm": ID["P01"]}]

# One user per role; (name, role, division).
USERS = {
    "province": ("省管理员", Role.PROVINCE, "43"),
    "county_a": ("鹤城区数据员", Role.COUNTY, A),
    "county_b": ("中方县数据员", Role.COUNTY, B),
    "town_t1": ("城南镇专干", Role.TOWN, T1),
    "town_t2": ("城北镇专干", Role.TOWN, T2),
    "school_s1": ("鹤城小学", Role.SCHOOL, S1),
    "school_s2": ("中方小学", Role.SCHOOL, S2),
    "auditor_a": ("鹤城区审计", Role.AUDITOR, A),
}


def load_scene(store: Any, records: list[dict[str, Any]] = RECORDS) -> dict[str, str]:
    """Clear the graph, load the scene (``records``: RECORDS or a variant of them), open the
    cases; returns a bearer token per USERS key."""
    store.clear()
    con = duckdb.connect()
    build_workspace(con, divisions=DIVISIONS, schools=SCHOOLS, records=records, contacts=CONTACTS)
    _set_contact_phone(con)
    ctx = CheckContext.from_workspace(con)
    store.query(
        "runs/start", run_id=RUN_ID, name="接口测试 2025秋 比对", province_code="43", term=ctx.term,
        reference_date=ctx.reference_date.isoformat(), bundle="/tmp/bundle",
        started_at=dt.datetime(2025, 10, 16, 8, tzinfo=dt.UTC).isoformat(),
    )
    load_graph(con, store, run_id=RUN_ID)
    findings = run_checks(store, ctx)
    record_findings(store, RUN_ID, findings)
    store.query(
        "runs/finish", run_id=RUN_ID, records=len(RECORDS), persons=4, rejects=0,
        findings=sum(len(v) for v in findings.values()),
        summary_json=json.dumps({"findings": {k: len(v) for k, v in findings.items()}}, ensure_ascii=False),
        finished_at=dt.datetime(2025, 10, 16, 8, 5, tzinfo=dt.UTC).isoformat(),
    )
    reconcile(store, RUN_ID, {k: [f.row for f in v] for k, v in findings.items()}, merges={},
              today=dt.date(2025, 10, 20))
    con.close()
    return {key: create_user(store, *spec) for key, spec in USERS.items()}


def _set_contact_phone(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE contacts SET phone = ?", [PHONE])
