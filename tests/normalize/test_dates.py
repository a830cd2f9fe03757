from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notoneless.normalize.dates import DATE_INVALID, DATE_UNPARSEABLE, parse_date

D = date(2012, 3, 5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2012-03-05", (D, None)),
        ("2012/3/5", (D, None)),
        ("20120305", (D, None)),
        ("2012.03.05", (D, None)),
        ("2012年3月5日", (D, None)),
        ("2012年03月05日", (D, None)),
        ("2012-3-5", (D, None)),
        (" 2012-03-05 ", (D, None)),
        ("２０１２－０３－０５", (D, None)),
        ("2012-03-05 00:00:00", (D, None)),
        ("2012-03-05T08:30", (D, None)),
        ("40973", (D, None)),  # Excel serial
        ("40973.0", (D, None)),
        (40973, (D, None)),
        (40973.0, (D, None)),
        (datetime(2012, 3, 5, 0, 0), (D, None)),
        (D, (D, None)),
        ("", (None, None)),
        (None, (None, None)),
        ("无", (None, None)),
        ("2012-02-30", (None, DATE_INVALID)),
        ("20121305", (None, DATE_INVALID)),
        ("1850-01-01", (None, DATE_INVALID)),
        ("2012年13月1日", (None, DATE_INVALID)),
        ("三月五日", (None, DATE_UNPARSEABLE)),
        ("201203", (None, DATE_UNPARSEABLE)),
        ("12", (None, DATE_UNPARSEABLE)),
    ],
)
def test_formats(raw, expected):
    assert parse_date(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_never_raises(v):
    d, w = parse_date(v)
    assert d is None or isinstance(d, date)
    assert w in (None, DATE_INVALID, DATE_UNPARSEABLE)
    if d is not None:
        assert parse_date(d.isoformat()) == (d, None)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_every_format_of_a_real_date_round_trips(d):
    for s in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d:%Y%m%d}", f"{d:%Y.%m.%d}", f"{d.year}年{d.month}月{d.day}日"):
        assert parse_date(s) == (d, None)
