"""Times shown to officers are China time (UTC+8), whatever form they were stored in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import neo4j.time
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from notoneless.localtime import china_day, excel_time, shown
from notoneless.workbook import Sheet, write_workbook


def test_a_utc_time_is_shown_eight_hours_later() -> None:
    at = datetime(2025, 10, 16, 8, 30, tzinfo=UTC)
    for form in (at, at.isoformat(), "2025-10-16T08:30:00Z", "2025-10-16T08:30:00.123456+00:00",
                 neo4j.time.DateTime(2025, 10, 16, 8, 30, 0, tzinfo=UTC), at.replace(tzinfo=None)):
        assert shown(form) == "2025-10-16 16:30", form
    assert shown(datetime(2025, 10, 16, 16, 30, tzinfo=timezone(timedelta(hours=8)))) == "2025-10-16 16:30"


def test_late_evening_utc_is_the_next_day_in_china(tmp_path: Path) -> None:
    at = datetime(2025, 10, 16, 20, 5, tzinfo=UTC)
    assert shown(at) == "2025-10-17 04:05"
    assert excel_time(at) == datetime(2025, 10, 17, 4, 5)
    assert china_day(at) == date(2025, 10, 17)
    # the officers' workbooks (case ledgers, rosters) hold it in China time
    write_workbook([Sheet("t", ("时间",), [(at,)])], tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx")["t"]["A2"]
    assert (cell.value, cell.number_format) == (datetime(2025, 10, 17, 4, 5), "yyyy-mm-dd hh:mm")


def test_dates_none_and_other_text() -> None:
    assert shown(date(2025, 11, 30)) == "2025-11-30"
    assert shown(neo4j.time.Date(2025, 11, 30)) == "2025-11-30"
    assert shown("2025-11-30") == "2025-11-30"
    assert shown(None) == ""
    assert shown("未知") == "未知"
    assert shown("T-bone") == "T-bone"


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()))
def test_shown_is_the_same_instant_in_china_time(at: datetime) -> None:
    text = shown(at)
    back = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=timezone(timedelta(hours=8)))
    assert timedelta(0) <= at - back < timedelta(minutes=1)
