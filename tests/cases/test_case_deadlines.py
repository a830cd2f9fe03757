"""Deadlines count from when a case was opened (payment cases: to the term's deadline), and
``notoneless trail`` shows the child's cases: 编号, 类型, 状态, 责任县 by name, 期限, 剩余天数."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rich.console import Console

from notoneless.cases.ledger import reconcile
from notoneless.cases.ledger_reads import list_cases
from notoneless.trail import find_trail, print_trail

pytestmark = pytest.mark.graph

DAY = date(2025, 10, 20)
CHILD = {"person_id": "P1", "姓名": "学生P1", "身份证号": "", "出生日期": "2014-03-05", "户籍区划代码": "431222101203",
         "责任县": "431222", "建档立卡": "是", "低保特困": "否", "残疾": "否"}  # fmt: skip
PERSON = {"person_id": "P1", "name": "学生P1", "birth_date": date(2014, 3, 5), "sex": "F", "compulsory_age": True,
          "reg_county": "431222", "study_county": None, "studying": False, "enrolled": False, "unmatched": True,
          "active_reg_code": "431222101203", "fupin": True, "dibao": False, "tekun": False, "disabled": False,
          "run_id": "t"}  # fmt: skip


def test_trail_lists_the_childs_cases_with_days_left(graph) -> None:
    graph.write_rows("load/persons", [PERSON])
    graph.write_rows("load/divisions", [{"code": "431222", "name": "沅陵县", "level": "县", "parent_code": "431200",
                                         "listed": True, "run_id": "t"}])
    reconcile(graph, "run-1", {"unmatched_children": [CHILD]}, merges={}, today=DAY)
    (case,) = [c for c in list_cases(graph) if c.subject == "P1"]
    assert case.deadline is not None

    later = date(2025, 11, 1)
    (trail,) = find_trail(graph, "P1", today=later)
    (shown,) = trail["cases"]
    assert shown["case_id"] == case.case_id and shown["state"] == case.state
    assert shown["county_name"] == "沅陵县"
    assert shown["days_left"] == (case.deadline - later).days

    console = Console(record=True, width=200)
    print_trail(console, trail)
    out = console.export_text()
    assert case.case_id in out and "沅陵县（431222）" in out and case.deadline.isoformat() in out

    (overdue,) = find_trail(graph, "P1", today=date(case.deadline.year + 1, 1, 1))
    assert overdue["cases"][0]["days_left"] < 0


def test_deadline_counts_from_opening_not_from_each_run(graph) -> None:
    graph.write_rows("load/persons", [PERSON])
    findings = {"unmatched_children": [CHILD],
                "missed_subsidies": [{"person_id": "P1", "学期": "2025秋", "资格": "建档立卡", "责任县": "431222"}]}
    reconcile(graph, "run-1", findings, merges={}, today=DAY)
    reconcile(graph, "run-2", findings, merges={}, today=DAY + timedelta(days=31))  # next month, still seen
    by_type = {c.case_type: c for c in list_cases(graph) if c.subject == "P1"}
    assert by_type["dropout"].deadline == DAY + timedelta(days=30)  # 按月核实 from the day it opened
    assert by_type["missed_subsidy"].deadline == date(2025, 11, 30)  # 秋 term: paid by the end of November
    month_two = DAY + timedelta(days=31)
    assert by_type["dropout"].days_left(month_two) == -1  # negative: overdue
    assert by_type["dropout"].overdue(month_two)
