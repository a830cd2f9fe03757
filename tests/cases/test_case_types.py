"""Finding rows → case drafts: type, responsibility, key and deadline."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.cases.types import CaseType, draft_from_finding, parse_case_type, term_deadline
from notoneless.errors import CaseError

OPENED = date(2025, 10, 15)


@pytest.mark.parametrize(
    ("term", "deadline"),
    [("2025秋", date(2025, 11, 30)), ("2026春", date(2026, 5, 31)), ("2025年秋季学期", date(2025, 11, 30))],
)
def test_term_deadline(term: str, deadline: date) -> None:
    assert term_deadline(term) == deadline


def test_term_deadline_refuses_garbage() -> None:
    with pytest.raises(CaseError, match="学期"):
        term_deadline("秋天")


CASES = [
    (
        "unmatched_children",
        {"person_id": "P1", "姓名": "张伟", "身份证号": "x", "出生日期": "2014-01-01", "户籍区划代码": "431222101203",
         "责任县": "431222", "建档立卡": "是", "低保特困": "否", "残疾": "否"},
        CaseType.DROPOUT, "dropout|P1", "431222", "431222101", "431222101203", date(2025, 11, 14),
    ),
    (
        "cross_county_students",
        {"person_id": "P2", "户籍县": "431222", "学籍县": "431202", "范围": "省内跨县", "资助责任县": "431202", "核实责任县": "431202"},
        CaseType.CROSS_COUNTY, "cross_county|P2|431202", "431202", None, None, date(2025, 11, 14),
    ),
    (
        "duplicate_subsidies",
        {"person_id": "P3", "学期": "2025秋", "资助项目": "生活补助", "笔数": "2", "发放县": "431222;431202", "应发县": "431202", "重复金额": "625.00"},
        CaseType.DUPLICATE_SUBSIDY, "duplicate_subsidy|P3|2025秋|生活补助", "431202", None, None, date(2025, 11, 30),
    ),
    (
        "missed_subsidies",
        {"person_id": "P4", "学期": "2026春", "资格": "建档立卡;残疾", "责任县": "431222"},
        CaseType.MISSED_SUBSIDY, "missed_subsidy|P4|2026春", "431222", None, None, date(2026, 5, 31),
    ),
    (
        "contact_gaps",
        {"类型": "包村缺位", "对象": "431222101203", "区划代码": "431222101203", "联系人编号": "", "最近走访日期": ""},
        CaseType.CONTACT_GAP, "contact_gap|431222101203|包村缺位", "431222", "431222101", "431222101203", date(2025, 11, 14),
    ),
    (
        "contact_gaps",
        {"类型": "走访逾期", "对象": "P5", "区划代码": "431222101", "联系人编号": "C9", "最近走访日期": "2025-08-01"},
        CaseType.CONTACT_GAP, "contact_gap|P5|走访逾期", "431222", "431222101", None, date(2025, 11, 14),
    ),
]


@pytest.mark.parametrize(("kind", "row", "ct", "key", "county", "town", "village", "deadline"), CASES)
def test_draft_from_finding(kind, row, ct, key, county, town, village, deadline) -> None:
    d = draft_from_finding(kind, row, opened_on=OPENED)
    assert d.case_type is ct
    assert d.match_key == key
    assert (d.responsible_county, d.responsible_town, d.responsible_village) == (county, town, village)
    assert d.deadline == deadline
    assert d.finding["person_id" if "person_id" in row else "对象"] == row.get("person_id", row.get("对象"))
    assert d.case_id("run-1") == d.case_id("run-1") != d.case_id("run-2")
    assert d.case_id("run-1").split("-")[1] == county


def test_duplicate_found_after_the_term_deadline_still_gets_a_month() -> None:
    row = {"person_id": "P3", "学期": "2025春", "资助项目": "生活补助", "笔数": "2", "发放县": "1;2", "应发县": "431202", "重复金额": "1"}
    assert draft_from_finding("duplicate_subsidies", row, opened_on=OPENED).deadline == date(2025, 11, 14)


def test_person_of_a_village_gap_is_none() -> None:
    d = draft_from_finding("contact_gaps", CASES[4][1], opened_on=OPENED)
    assert d.person_id is None and d.with_subject("X").person_id is None


@pytest.mark.parametrize(
    ("kind", "row"),
    [("unmatched_children", {"姓名": "张伟"}), ("contact_gaps", {"类型": "包乡缺位", "对象": "1"}), ("nonsense", {"person_id": "P"})],
)
def test_bad_rows_refused(kind, row) -> None:
    with pytest.raises(CaseError):
        draft_from_finding(kind, row, opened_on=OPENED)


@pytest.mark.parametrize("text", ["dropout", "疑似失学辍学", "unmatched_children"])
def test_parse_case_type(text: str) -> None:
    assert parse_case_type(text) is CaseType.DROPOUT
