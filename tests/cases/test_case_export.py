"""The county workbook (openpyxl reads it back) and the ``notoneless cases`` commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from officers import officer
from openpyxl import load_workbook
from typer.testing import CliRunner

from notoneless.access.users import Role
from notoneless.cases.export import (
    CHILD_HEADERS,
    DROPOUT_HEADERS,
    GAP_HEADERS,
    SHEET_TITLES,
    SUBSIDY_HEADERS,
    SUMMARY_HEADERS,
    SUSPECTED_HEADERS,
    export_county,
)
from notoneless.cases.ledger import act, reconcile
from notoneless.cases.ledger_reads import case_events, get_case, list_cases
from notoneless.cli import app
from notoneless.config import get_settings
from notoneless.errors import AccessError, CaseError

pytestmark = pytest.mark.graph

DAY = date(2025, 10, 20)


def child(pid: str, village: str = "431222101203") -> dict[str, str]:
    return {"person_id": pid, "姓名": f"学生{pid}", "身份证号": "", "出生日期": "2014-03-05", "户籍区划代码": village,
            "责任县": village[:6], "建档立卡": "是", "低保特困": "否", "残疾": "否"}  # fmt: skip


FINDINGS = {
    "unmatched_children": [child("P1"), child("P2"), child("P3", "431222102001"), child("P4", "431202101001")],
    "missed_subsidies": [{"person_id": "P6", "学期": "2025秋", "资格": "建档立卡", "责任县": "431222"}],
    "contact_gaps": [
        {"类型": "包村缺位", "对象": "431222101203", "区划代码": "431222101203", "联系人编号": "", "最近走访日期": ""},
        {"类型": "包人缺位", "对象": "P1", "区划代码": "431222101203", "联系人编号": "", "最近走访日期": ""},
    ],
    "duplicate_subsidies": [
        {"person_id": "P7", "学期": "2025秋", "资助项目": "生活补助", "笔数": "2", "发放县": "431222;431202", "应发县": "431202", "重复金额": "625.00"}
    ],
}

PERSONS = [  # what checks/person_status leaves on Person nodes, written with the load query
    {"person_id": f"C{i}", "name": f"儿童{i}", "birth_date": date(2014, 1, 1), "sex": "F", "compulsory_age": age,
     "reg_county": county, "study_county": None, "studying": False, "enrolled": False, "unmatched": True,
     "active_reg_code": county + "101203", "fupin": True, "dibao": False, "tekun": False, "disabled": False, "run_id": "t"}
    for i, (age, county) in enumerate([(True, "431222"), (True, "431222"), (True, "431222"), (True, "431202"), (False, "431222")])
]  # fmt: skip


def _ledger(graph) -> None:
    graph.write_rows("load/persons", PERSONS)
    graph.write_rows("load/divisions", [{"code": "431222101", "name": "城关镇", "level": "乡", "parent_code": "431222", "listed": True, "run_id": "t"}])
    reconcile(graph, "run-1", FINDINGS, merges={}, today=DAY)
    p1 = next(c for c in list_cases(graph, case_type="dropout") if c.subject == "P1")
    act(graph, p1.case_id, "start_verification", by=officer(graph, "李校长"), today=DAY)
    act(graph, p1.case_id, "confirm_dropout", by=officer(graph, "李校长"), reason="A2", today=DAY)


def test_export_sheets_headers_and_rows(graph, tmp_path: Path) -> None:
    _ledger(graph)
    out = tmp_path / "台账.xlsx"
    export_county(graph, "431222", out, today=date(2025, 12, 1))
    wb = load_workbook(out)
    assert tuple(wb.sheetnames) == SHEET_TITLES
    expected = {
        "适龄儿童台账": (CHILD_HEADERS, 3),
        "疑似辍学台账": (SUSPECTED_HEADERS, 3),
        "辍学台账": (DROPOUT_HEADERS, 1),
        "资助台账": (SUBSIDY_HEADERS, 1),
        "三包缺位台账": (GAP_HEADERS, 2),
        "四个一汇总": (SUMMARY_HEADERS, 5),  # 疑似失学辍学 ×2 towns, 漏助, 三包缺位, 合计
    }
    for title, (headers, rows) in expected.items():
        ws = wb[title]
        assert tuple(c.value for c in ws[1]) == headers, title
        assert ws.max_row - 1 == rows, title
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width >= 8
    dropouts = wb["辍学台账"]
    row = {h: c.value for h, c in zip(DROPOUT_HEADERS, dropouts[2])}
    assert row["辍学原因"] == "A2 厌学辍学" and row["状态"] == "确认辍学" and row["乡镇"] == "城关镇(431222101)"
    assert row["经办人"] == "李校长" and row["是否逾期"] == "是"
    summary = {(r[0].value, r[1].value): [c.value for c in r[2:]] for r in wb["四个一汇总"].iter_rows(min_row=2)}
    assert summary[("疑似失学辍学", "城关镇(431222101)")] == [2, 2, 0, 0, 2]
    assert summary[("合计", None)][0] == 6


def test_export_refuses_a_bad_county(graph, tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="6 位"):
        export_county(graph, "4312", tmp_path / "x.xlsx")


def _cli(args: list[str], settings, user: str | None = None) -> object:
    env = {"NOTONELESS_WORKSPACE": str(settings.workspace), "NOTONELESS_GRAPH_PORT": str(settings.graph_port),
           "NOTONELESS_USER": user}
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()


def test_cli_list_show_act_export(graph, graph_settings, tmp_path: Path) -> None:
    _ledger(graph)
    case = next(c for c in list_cases(graph, case_type="dropout") if c.subject == "P2")
    r = _cli(["cases", "list", "--county", "431222", "--state", "待核实"], graph_settings)
    assert r.exit_code == 0, r.output
    assert "案件台账（2 件）" in r.output and "P2" in r.output and "P1" not in r.output  # P1 moved on

    # The actor rule: --by names a registered user, or the CLI acts as NOTONELESS_USER.
    r = _cli(["cases", "act", case.case_id, "开始核实", "--by", "王老师"], graph_settings)
    assert isinstance(r.exception, AccessError) and r.exception.code == "USER_UNKNOWN", r.output
    assert "没有名为「王老师」的用户" in str(r.exception) and "users add" in str(r.exception)
    r = _cli(["cases", "act", case.case_id, "开始核实"], graph_settings)
    assert isinstance(r.exception, AccessError) and r.exception.code == "USER_MISSING"
    assert "NOTONELESS_USER" in str(r.exception)
    assert get_case(graph, case.case_id).version == 1  # nothing written by either
    wang = officer(graph, "王老师", Role.COUNTY, "431222")
    officer(graph, "外县数据员", Role.COUNTY, "431202")
    officer(graph, "审计员", Role.AUDITOR, "431222")
    r = _cli(["cases", "act", case.case_id, "开始核实", "--by", "外县数据员"], graph_settings)
    assert isinstance(r.exception, CaseError) and r.exception.code == "CASE_NOT_FOUND"  # another county's case
    r = _cli(["cases", "act", case.case_id, "开始核实", "--by", "审计员"], graph_settings)
    assert isinstance(r.exception, CaseError) and r.exception.code == "ROLE_CANNOT_ACT"

    r = _cli(["cases", "act", case.case_id, "开始核实", "--by", "王老师"], graph_settings)
    assert r.exit_code == 0 and "核实中" in r.output, r.output
    r = _cli(["cases", "act", case.case_id, "排除", "--by", "王老师", "--reason", "B10", "--evidence", "护照=E1"], graph_settings)
    assert isinstance(r.exception, CaseError) and "签证" in str(r.exception)
    r = _cli(
        ["cases", "act", case.case_id, "exclude", "--reason", "B10", "--evidence", "护照=E1", "--evidence", "签证=V2", "--version", "2"],
        graph_settings, user="王老师",
    )
    assert r.exit_code == 0, r.output
    events = case_events(graph, case.case_id)
    assert events[-1].evidence == ("passport=E1", "visa=V2") and events[-1].reason_code == "B10"
    stored = graph.execute_read(lambda tx: tx.run(
        "MATCH (:Case {case_id: $id})-[:HAS_EVENT]->(e:CaseEvent) WHERE e.seq > 1 "
        "RETURN e.by AS by, e.actor_id AS id, e.actor_role AS role, e.actor_division AS division ORDER BY e.seq",
        id=case.case_id).data())
    assert stored == [{"by": "王老师", "id": wang.user_id, "role": "县级数据员", "division": "431222"}] * 2

    r = _cli(["cases", "show", case.case_id], graph_settings)
    assert r.exit_code == 0 and "出国在外" not in r.output and "B10" in r.output and "销号(close)" in r.output, r.output

    out = tmp_path / "ledger.xlsx"
    r = _cli(["cases", "export", str(out), "--county", "431222", "--by", "王老师"], graph_settings)
    assert r.exit_code == 0 and out.exists(), r.output
    # the export of a ledger is audited: who, which county, from where
    exports = graph.query("api/audit/list", division="431222", user="王老师", person_id=None, action="ledger_export",
                          since=None, until=None, limit=10, offset=0)[0]
    assert exports["total"] == 1 and exports["items"][0]["target"] == "431222"
    assert exports["items"][0]["source"].startswith("cli:")
    assert "疑似辍学台账 3 行" in r.output
    # another county's officer gets the ledger of their own county only: out of scope is not found
    other = tmp_path / "other.xlsx"
    r = _cli(["cases", "export", str(other), "--county", "431222", "--by", "外县数据员"], graph_settings)
    assert isinstance(r.exception, CaseError) and r.exception.code == "CASE_NOT_FOUND", r.output
    assert "辖区内没有县「431222」" in str(r.exception) and not other.exists()


def test_change_feed_lists_what_a_run_did_and_confirms_in_bulk(graph, graph_settings) -> None:
    # Issue 19, 4: month 1 opens P1–P4; month 2: P1 gone (resolved by data), P2 closed
    # after 复学 reappears (reopened), P3 excluded with B2 reappears (still seen), P5 new.
    import json

    month1 = {"unmatched_children": [child("P1"), child("P2"), child("P3"), child("P4")]}
    first = reconcile(graph, "2025-10-run", month1, merges={}, today=DAY)
    ids = {get_case(graph, c).subject: c for c in first.new}
    wang = officer(graph, "王老师", Role.COUNTY, "431222")
    act(graph, ids["P2"], "start_verification", by=wang, today=DAY)
    act(graph, ids["P2"], "exclude", by=wang, reason="B10", evidence=["护照=E1", "签证=V1"], today=DAY)
    act(graph, ids["P3"], "start_verification", by=wang, today=DAY)
    act(graph, ids["P3"], "exclude", by=wang, reason="B2", evidence=["学籍号=G1", "学籍所在省=广东", "学校名称=深圳一小"],
        today=DAY)
    act(graph, ids["P3"], "close", by=wang, today=DAY)
    act(graph, ids["P2"], "close", by=wang, today=DAY)
    # P2's exclusion (B10, abroad) was recorded last school year: it has run out by month 2
    month2 = {"unmatched_children": [child("P2"), child("P3"), child("P4"), child("P5")]}
    reconcile(graph, "2026-09-run", month2, merges={}, today=date(2025, 11, 20))
    graph.execute_write(lambda tx: tx.run("MATCH (c:Case {case_id: $id}) SET c.reason_at = date('2024-10-01')",
                                          id=ids["P2"]).consume())
    second = reconcile(graph, "2026-10-run", month2, merges={}, today=date(2025, 11, 20))
    assert second.reopened == (ids["P2"],)

    r = _cli(["cases", "changes", "--json"], graph_settings)  # the latest run
    assert r.exit_code == 0, r.output
    feed = json.loads(r.output)
    assert feed["run_id"] == "2026-10-run"
    got = {(i["case_id"], i["change"]) for i in feed["items"]}
    p5 = next(i["case_id"] for i in feed["items"] if i["case_id"] not in ids.values())
    assert got == {(ids["P2"], "reopened"), (ids["P3"], "excluded_still_seen"), (ids["P4"], "still_open"),
                   (p5, "still_open")}
    reopened = next(i for i in feed["items"] if i["change"] == "reopened")
    assert "B10 出国在外的有效期（至 2025-08-31）已届满" in reopened["reason"]

    r = _cli(["cases", "changes", "--run", "2026-09-run", "--json", "--change", "resolved_by_data"], graph_settings)
    assert [(i["case_id"], i["reason"]) for i in json.loads(r.output)["items"]] == [(ids["P1"], "本次比对已无此结果")]
    r = _cli(["cases", "changes", "--run", "2026-09-run", "--change", "new", "--json"], graph_settings)
    assert [i["case_id"] for i in json.loads(r.output)["items"]] == [p5]
    r = _cli(["cases", "changes", "--change", "gone"], graph_settings)
    assert isinstance(r.exception, CaseError) and r.exception.code == "CASE_CHANGE_UNKNOWN"
    r = _cli(["cases", "changes", "--run", "2026-09-run"], graph_settings)
    assert r.exit_code == 0 and "运行 2026-09-run 的案件变化（5 件）" in r.output and "有效至" in r.output, r.output

    r = _cli(["cases", "confirm", "--county", "431222", "--run", "2026-09-run", "--by", "王老师"], graph_settings)
    assert r.exit_code == 0 and "已确认销号 1 件" in r.output, r.output
    assert get_case(graph, ids["P1"]).state == "销号"
    assert case_events(graph, ids["P1"])[-1].evidence == ("comparison_run=2026-09-run",)
    r = _cli(["cases", "confirm", "--county", "431222", "--run", "2026-09-run", "--by", "王老师"], graph_settings)
    assert "已确认销号 0 件" in r.output  # nothing left to confirm


def test_missing_evidence_for_confirm_close_is_named_not_listed(graph) -> None:
    case_id = reconcile(graph, "r1", {"unmatched_children": [child("P1")]}, merges={}, today=DAY).new[0]
    reconcile(graph, "r2", {"unmatched_children": []}, merges={}, today=DAY)
    with pytest.raises(CaseError) as err:
        act(graph, case_id, "confirm_close", by=officer(graph, "王老师"), today=DAY)
    assert "任一佐证材料" in str(err.value) and "出生医学证明" not in str(err.value)


def test_export_shows_the_child_the_hand_off_and_this_months_changes(graph, tmp_path: Path) -> None:
    # Issue 19: P1 is a known child (name, masked ID, sex, birth date, school beside the
    # person id); month 2 hands P2 from 431222 to 431202 and opens P5; the 本月变化 sheet
    # lists the run's changes, the 移交 column the hand-off, seen from both counties.
    from notoneless.cases.export import CHANGE_HEADERS, PERSON_HEADERS

    _ledger(graph)
    graph.write_rows("load/persons", [{**PERSONS[0], "person_id": "P1", "name": "张三", "id_number": "431222201403050012",
                                       "birth_date": date(2014, 3, 5), "sex": "M"}])
    graph.write_rows("load/divisions", [{"code": c, "name": n, "level": "县", "parent_code": "4312", "listed": True,
                                         "run_id": "t"} for c, n in (("431222", "沅陵县"), ("431202", "鹤城区"))])
    month2 = {"unmatched_children": [child("P1"), {**child("P2"), "责任县": "431202"}, child("P3", "431222102001"),
                                     child("P4", "431202101001"), child("P5")]}
    reconcile(graph, "run-2", month2, merges={}, today=date(2025, 11, 20))
    p2 = next(c for c in list_cases(graph, case_type="dropout") if c.subject == "P2")
    assert (p2.state, p2.responsible_county, p2.transfer_from) == ("待接收", "431202", "431222")

    def sheet(wb, title: str) -> list[dict[str, object]]:
        rows = list(wb[title].iter_rows(values_only=True))
        return [dict(zip(rows[0], r)) for r in rows[1:]]

    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    export_county(graph, "431222", old, today=date(2025, 11, 25))
    export_county(graph, "431202", new, today=date(2025, 11, 25))
    wb = load_workbook(old)
    assert tuple(wb.sheetnames) == SHEET_TITLES and tuple(c.value for c in wb["本月变化"][1]) == CHANGE_HEADERS
    suspected = {r["人员编号"]: r for r in sheet(wb, "疑似辍学台账")}
    p1 = suspected["P1"]
    assert tuple(p1[h] for h in PERSON_HEADERS[:3]) == ("张三", "4312**********0012", "男")
    assert p1["出生日期"].date() == date(2014, 3, 5)  # a date cell
    assert suspected["P3"]["姓名"] == "学生P3"
    assert suspected["P2"]["移交"] == "已转出至 鹤城区(431202)，待对方接收（本县只读）"
    assert isinstance(suspected["P3"]["剩余天数"], int)
    assert suspected["P3"]["剩余天数"] == (get_case(graph, suspected["P3"]["案件编号"]).deadline - date(2025, 11, 25)).days
    changes = {r["人员编号"]: r for r in sheet(wb, "本月变化")}
    assert changes["P2"]["变化"] == "转出" and changes["P2"]["变化代码"] == "transferred_out"
    assert changes["P2"]["转出县"] == "沅陵县(431222)" and changes["P2"]["责任县"] == "鹤城区(431202)"
    assert changes["P5"]["变化"] == "新立案" and changes["P1"]["变化代码"] == "still_open"
    assert changes["P1"]["姓名"] == "张三" and {r["运行编号"] for r in changes.values()} == {"run-2"}
    summary = {(r["案件类型"], r["乡镇"]): r for r in sheet(wb, "四个一汇总")}
    assert summary[("疑似失学辍学", "城关镇(431222101)")]["合计"] == 2  # P1, P5: P2, handed over, counts in 431202
    wb = load_workbook(new)
    handed = next(r for r in sheet(wb, "疑似辍学台账") if r["人员编号"] == "P2")
    assert handed["移交"] == "待接收：由 沅陵县(431222) 转入" and handed["状态"] == "待接收"
    assert [(r["人员编号"], r["变化"]) for r in sheet(wb, "本月变化") if r["人员编号"] == "P2"] == [("P2", "转入")]
    subsidy = sheet(wb, "资助台账")[0]
    assert subsidy["笔数"] == 2 and subsidy["重复金额"] == 625.0 and subsidy["应发县"] == "鹤城区(431202)"
    assert subsidy["发放县"] == "沅陵县(431222)；鹤城区(431202)"


def test_changes_help_names_every_change_kind() -> None:
    from notoneless.cases.reconcile import CHANGE_LABELS

    result = CliRunner().invoke(app, ["cases", "changes", "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert all(kind in text for kind in CHANGE_LABELS), text
