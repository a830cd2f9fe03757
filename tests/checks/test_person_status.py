"""The persons' status two ways, which must agree on every person and property: as the
load writes it with each Person node (``graph/load.py`` PERSON_STATUS_SQL, computed in
DuckDB) and as the graph's definition ``checks/person_status`` computes it from the graph
(``catalogue.derive_status``). The hand-built prefecture (tests/handbuilt_scenario.py)
plus persons built to reach the corners: unknown 户籍状态 / 学籍状态 / 年级 (Cypher's
three-valued any() gives null, not false), codes outside the province, several records
of a system in an order that decides the value, schools without a county."""

from __future__ import annotations

import duckdb
import handbuilt_scenario as sc
import pytest
from handbuilt_workspace import build_workspace, make_id

from notoneless.checks import catalogue
from notoneless.checks.findings import CheckContext
from notoneless.graph.load import load_graph

pytestmark = pytest.mark.graph

STATUS = ("compulsory_age", "excluded", "enrolled", "studying", "studying_compulsory", "active_reg_code",
          "unmatched", "target", "reg_county", "study_county", "school_county", "home_code", "fupin", "dibao",
          "tekun", "relief", "disabled")
V1, V2 = sc.V1, sc.V2
OUTSIDE = "440105001001"


def _corner_records() -> list[dict]:
    """Persons Q01… whose status turns on the order of their records or on a null."""
    rows: list[dict] = []
    n: dict[str, int] = {}

    def add(source: str, pid: str, **kw) -> None:
        n[source] = n.get(source, 1000) + 1
        kw.setdefault("id", make_id("431202", "20140305", "9" + pid[-2:]))
        kw.setdefault("name", f"角落{pid}")
        rows.append(dict(source=source, row=n[source], person_id=pid, **kw))

    # unknown 户籍状态 beside a 迁出 record: excluded is null in the graph
    add("hukou", "Q01", code=V1, hukou_status=None)
    add("hukou", "Q01", code=V2, hukou_status="迁出")
    # 正常 outside the province, then 正常 here: the one here is active; the outside one's county registers
    add("hukou", "Q02", code=OUTSIDE, hukou_status="正常")
    add("hukou", "Q02", code=V2, hukou_status="正常")
    # no hukou: fupin outside, then minzheng here, then canlian here: minzheng's code is active
    add("fupin", "Q03", code=OUTSIDE, poverty_type="一般贫困户")
    add("minzheng", "Q03", code=V2, relief_type=None)
    add("canlian", "Q03", code=V1, disability_type="肢体", disability_grade="一级")
    # xueji with unknown status and grade, a 休学 one at a school without a county, a 在读 one
    add("xueji", "Q04", school_id="S1", enrol_status=None, grade=None, hukou_code=OUTSIDE)
    add("xueji", "Q04", school_id="SX", enrol_status="休学", grade="七年级", hukou_code=V1)
    add("xueji", "Q04", school_id="S2", enrol_status="在读", grade=None, hukou_code=None)
    # only a xueji record of another status, 户口所在地 outside: reg_county and home_code from it
    add("xueji", "Q05", school_id="S2", enrol_status="毕业", grade="九年级", hukou_code=OUTSIDE)
    # minzheng with an unknown relief type beside 农村特困; no ID and no birth date
    add("minzheng", "Q06", code=V1, relief_type=None, id=None)
    add("minzheng", "Q06", code=V1, relief_type="农村特困", id=None)
    # a hukou record 正常 without a code, then one 注销 here: not excluded, no active registration
    add("hukou", "Q07", code=None, hukou_status="正常")
    add("hukou", "Q07", code=V1, hukou_status="注销")
    return rows


@pytest.fixture
def workspace() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_workspace(con, divisions=sc.DIVISIONS, schools=[*sc.SCHOOLS, ("SX", "无县学校", None, "小学")],
                    records=sc.records() + _corner_records(), contacts=sc.CONTACTS, visits=sc.VISITS)
    return con


def _status(graph) -> dict[str, dict]:
    rows = graph.execute_read(lambda tx: tx.run(
        "MATCH (p:Person) RETURN p.person_id AS person_id, " + ", ".join(f"p.{k} AS {k}" for k in STATUS)
    ).data())
    return {r.pop("person_id"): r for r in rows}


def test_the_load_writes_the_status_the_graph_query_derives(graph, workspace):
    load_graph(workspace, graph, run_id="r1")
    loaded = _status(graph)
    # forget it, so the graph query has to derive every property again
    graph.execute_write(lambda tx: tx.run("MATCH (p:Person) REMOVE " + ", ".join(f"p.{k}" for k in STATUS)).consume())
    assert all(v is None for s in _status(graph).values() for v in s.values())
    assert catalogue.derive_status(graph, CheckContext.from_workspace(workspace)) == len(loaded)
    derived = _status(graph)
    assert derived == loaded
    # the corners were reached: nulls where the graph's any() gives null, and the order rules
    assert loaded["Q01"]["excluded"] is None and loaded["Q01"]["enrolled"] is False
    assert loaded["Q02"]["active_reg_code"] == V2 and loaded["Q02"]["reg_county"] == OUTSIDE[:6]
    assert loaded["Q03"]["active_reg_code"] == V2 and loaded["Q03"]["home_code"] == V2
    assert loaded["Q03"]["dibao"] is None and loaded["Q03"]["relief"] is True
    assert loaded["Q04"]["enrolled"] is True and loaded["Q04"]["studying_compulsory"] is None
    assert loaded["Q04"]["school_county"] == loaded["Q04"]["study_county"] is not None
    assert loaded["Q05"]["reg_county"] == OUTSIDE[:6] and loaded["Q05"]["home_code"] == OUTSIDE
    assert loaded["Q06"]["tekun"] is True and loaded["Q06"]["dibao"] is None
    assert loaded["Q06"]["compulsory_age"] is False
    assert loaded["Q07"]["excluded"] is False and loaded["Q07"]["active_reg_code"] is None
    assert loaded["Q07"]["reg_county"] == V1[:6]
    assert sum(bool(s["unmatched"]) for s in loaded.values()) >= 3
    assert sum(bool(s["target"]) for s in loaded.values()) >= 3


def test_checks_give_the_same_findings_on_either_status(graph, workspace):
    load_graph(workspace, graph, run_id="r1")
    ctx = CheckContext.from_workspace(workspace)
    as_loaded = catalogue.run_checks(graph, ctx)
    derived = catalogue.run_checks(graph, ctx, status=True)
    assert {k: [f.row for f in v] for k, v in as_loaded.items()} == {k: [f.row for f in v] for k, v in derived.items()}
    assert all(as_loaded[k] for k in catalogue.KINDS)  # every check finds something here
