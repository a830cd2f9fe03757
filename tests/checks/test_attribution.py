"""Table-driven tests of the attribution rules (shared/domain.md, contract section 3)."""

import datetime as dt

import pytest

from notoneless.checks import attribution as a
from notoneless.checks import definitions as d

P = "43"  # deploying province
HERE_A, HERE_B = "431202", "431221"  # two counties of the province
AWAY_A, AWAY_B = "440105", "520102"  # counties of other provinces


@pytest.mark.parametrize(
    ("reg", "school", "scope", "pays", "verifies"),
    [
        # 省内跨县就学: the school county (学籍地) pays, the registration county must not.
        (HERE_A, HERE_B, "省内跨县", HERE_B, HERE_B),
        (HERE_B, HERE_A, "省内跨县", HERE_A, HERE_A),
        # 出省就学: the registration county pays (after verifying no payment where they study).
        (HERE_A, AWAY_A, "省外就读", HERE_A, AWAY_A),
        # 外省户籍 studying here: the school county pays and verifies.
        (AWAY_A, HERE_A, "外省户籍", HERE_A, HERE_A),
        # same county: no cross-county scope; the school county pays.
        (HERE_A, HERE_A, None, HERE_A, HERE_A),
        # both counties outside the province: none of ours.
        (AWAY_A, AWAY_B, None, AWAY_B, AWAY_B),
        # a child not 在读 anywhere: no subsidy county (the rule is for students).
        (HERE_A, None, None, None, HERE_A),
        # a child without a known registration: the school county.
        (None, HERE_B, None, HERE_B, HERE_B),
    ],
)
def test_cross_county_attribution(reg, school, scope, pays, verifies):
    assert a.cross_county_scope(reg, school, P) == scope
    assert a.subsidy_county(reg, school, P) == pays
    assert a.verifying_county_enrolled(reg, school) == verifies


@pytest.mark.parametrize(
    ("code", "county"),
    [("431202101001", "431202"), ("431202101", "431202"), ("431202", "431202"), ("4312", None), (None, None), ("", None)],
)
def test_unmatched_child_is_verified_by_registration_county(code, county):
    assert a.verifying_county_unmatched(code) == county


@pytest.mark.parametrize(
    ("birth", "term", "compulsory"),
    [
        ("2019-09-01", "2025秋", True),  # 6 on the day itself
        ("2019-09-02", "2025秋", False),  # 5 on the school year's start
        ("2009-09-02", "2025秋", True),  # 15
        ("2010-09-01", "2025秋", True),  # 15 exactly
        ("2009-09-01", "2025秋", False),  # 16 on the day
        ("2018-09-01", "2025春", True),  # 春 term: the year started 2024-09-01
        ("2018-09-02", "2025春", False),
        ("2008-09-02", "2025春", True),
        ("2008-09-01", "2025春", False),
        ("2012-02-29", "2025秋", True),
    ],
)
def test_compulsory_age(birth, term, compulsory):
    start = d.school_year_start(term)
    born = dt.date.fromisoformat(birth)
    assert d.is_compulsory_age(born, start) is compulsory
    after, by = d.compulsory_birth_range(start)
    assert (after < born <= by) is compulsory


def test_school_year_start_and_window():
    assert d.school_year_start("2025秋") == dt.date(2025, 9, 1)
    assert d.school_year_start("2026春") == dt.date(2025, 9, 1)
    with pytest.raises(ValueError):
        d.school_year_start("2025夏")
    first, last = d.visit_window(dt.date(2025, 10, 15))
    assert (first, last) == (dt.date(2025, 9, 16), dt.date(2025, 10, 15))
    assert (last - first).days + 1 == 30


def test_eligibility_join_order_is_fixed():
    assert d.join_eligibility(["残疾", "建档立卡", "残疾", "特困"]) == "建档立卡;特困;残疾"
    assert d.join_eligibility(["低保"]) == "低保"
    assert d.join_eligibility([]) == ""
