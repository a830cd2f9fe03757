from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from notoneless.normalize import codes
from notoneless.normalize.targets import normalize_target

VALID = "43120220120305001" + ric.calc_check_digit("431202201203050010")


@pytest.mark.parametrize(
    ("raw", "sex"),
    [("男", "M"), ("女", "F"), ("1", "M"), ("2", "F"), ("M", "M"), ("F", "F"), ("m", "M"), ("f", "F"),
     ("男性", "M"), ("女性", "F"), (" 男 ", "M"), ("Male", "M"), ("female", "F"), ("1.0", "M"),
     ("", None), ("未知", None), ("x", None), (None, None), ("0", None), ("9", None)],
)
def test_sex(raw, sex):
    assert codes.normalize_sex(raw) == sex


@pytest.mark.parametrize(("raw", "b"), [("是", True), ("否", False), ("Y", True), ("N", False), ("1", True),
                                         ("0", False), ("TRUE", True), ("false", False), ("", None), ("也许", None)])
def test_yes_no(raw, b):
    assert codes.normalize_bool(raw) == b


@pytest.mark.parametrize(
    ("raw", "code"),
    [("431202101001", "431202101001"), ("431202", "431202"), ("431202000000", "431202"),
     ("431202101000", "431202101"), ("431200", "4312"), ("430000", "43"), ("4312", "4312"), ("43", "43"),
     (" 431202 ", "431202"), ("'431202101001", "431202101001"), ("431202.0", "431202"),
     ("431202101001000", "431202101001"), ("12345", None), ("abc", None), ("", None), (None, None)],
)
def test_division(raw, code):
    assert codes.normalize_division(raw) == code


def test_division_parts():
    assert codes.division_parts("431202101001") == ("431202101001", "431202101", "431202")
    assert codes.division_parts("431202") == (None, None, "431202")
    assert codes.division_parts(None) == (None, None, None)


@pytest.mark.parametrize(("raw", "grade"), [("一年级", "一年级"), ("3", "三年级"), ("3年级", "三年级"), ("初一", "七年级"),
                                             ("初三", "九年级"), ("高一", "高一"), ("高中2年级", "高二"), ("十年级", None)])
def test_grade(raw, grade):
    assert codes.normalize_grade(raw) == grade


@pytest.mark.parametrize(("raw", "term"), [("2025秋", "2025秋"), ("2025年秋季", "2025秋"), ("2025 春", "2025春"),
                                            ("2025秋季学期", "2025秋"), ("2025-2026学年第一学期", "2025秋"),
                                            ("2025-2026学年第二学期", "2026春"), ("秋季", None), ("", None)])
def test_term(raw, term):
    assert codes.normalize_term(raw) == term


@pytest.mark.parametrize(("raw", "amount"), [("500", Decimal("500.00")), ("1,250.5", Decimal("1250.50")),
                                              ("￥500元", Decimal("500.00")), ("五百", None), ("-1", None), ("", None)])
def test_amount(raw, amount):
    assert codes.normalize_amount(raw) == amount


@pytest.mark.parametrize(("raw", "status"), [("正常", "正常"), ("已迁出", "迁出"), ("死亡", "死亡"), ("注销", "注销"),
                                              ("外出", None)])
def test_hukou_status(raw, status):
    assert codes.normalize_hukou_status(raw) == status


def test_keys():
    assert codes.normalize_household_key(" h-001 ") == "H001"
    assert codes.normalize_xueji_no("g" + VALID.lower()) == "G" + VALID
    assert codes.id_from_xueji_no("G" + VALID) == VALID
    assert codes.id_from_xueji_no("L20190001") is None


def test_targets():
    assert normalize_target("431202101001", "包村").kind == "village"
    assert normalize_target("431202101001", "包村").norm == "431202101001"
    assert normalize_target(" h001", "包户").norm == "H001"
    t = normalize_target(VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "包人")
    assert t.kind == "person_id" and VALID in t.candidates
    assert normalize_target("G" + VALID, None).kind == "xueji_no"
    assert normalize_target(VALID.lower(), None) .norm == VALID
    assert normalize_target("H001", None).kind == "household"
    assert normalize_target("", None).norm is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_string_raises(s):
    codes.normalize_sex(s)
    codes.normalize_bool(s)
    codes.normalize_grade(s)
    codes.normalize_term(s)
    codes.normalize_amount(s)
    codes.normalize_household_key(s)
    codes.normalize_xueji_no(s)
    normalize_target(s, None)
    normalize_target(s, "包人")
    d = codes.normalize_division(s)
    if d is not None:
        assert codes.normalize_division(d) == d
