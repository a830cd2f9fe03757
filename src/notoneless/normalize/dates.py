"""Dates as people and old systems write them.

``parse_date(value)`` returns ``(date | None, warning | None)`` and never raises:

- ``2012-03-05``, ``2012/3/5``, ``2012.03.05``, ``2012年3月5日``, ``20120305``, with or
  without a time part (``2012-03-05 00:00:00``, ``2012-03-05T08:00``);
- ``date`` / ``datetime`` objects (openpyxl gives these for date-formatted cells);
- Excel serial numbers (``40973`` or ``40973.0``: days since 1899-12-30, what an XLSX
  date cell holds when it is not formatted as a date, or a CSV exported from it);
- empty values and placeholders → ``(None, None)`` (missing, no warning).

Warnings: ``date_invalid`` (the shape is a date but the day does not exist, e.g.
2012-02-30, or the year is before 1900 or after 2100), ``date_unparseable`` (no
known shape).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

_EXCEL_EPOCH = date(1899, 12, 30)
_YMD_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_YMD8_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^(\d{1,6})(?:\.0+)?$")
_TIME_TAIL_RE = re.compile(r"[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_PLACEHOLDERS = frozenset({"", "无", "空", "NULL", "NONE", "NAN", "NAT", "-", "--", "/", "未知", "不详"})
_MIN_YEAR, _MAX_YEAR = 1900, 2100
# Serials for 1900-03-01 .. 2100-12-31; anything else shaped like a small integer is not a date.
_SERIAL_MIN, _SERIAL_MAX = 61, 73415

DATE_INVALID = "date_invalid"
DATE_UNPARSEABLE = "date_unparseable"


def _make(y: int, m: int, d: int) -> tuple[date | None, str | None]:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None, DATE_INVALID
    try:
        return date(y, m, d), None
    except ValueError:
        return None, DATE_INVALID


def excel_serial_to_date(serial: float) -> date | None:
    """Excel's 1900 date system (with its phantom 1900-02-29: serials from 61 on)."""
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: object) -> tuple[date | None, str | None]:
    """Parse one date value; never raises (see module doc)."""
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        return None, DATE_UNPARSEABLE
    if isinstance(value, (int, float)):
        d = excel_serial_to_date(value) if value == value else None
        return (d, None) if d else (None, DATE_UNPARSEABLE)
    try:
        return _parse_text(str(value))
    except Exception:  # pragma: no cover - defensive
        return None, DATE_UNPARSEABLE


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> tuple[date | None, str | None]:
    s = unicodedata.normalize("NFKC", text).strip().strip("'\"")
    if s.upper() in _PLACEHOLDERS:
        return None, None
    s = _TIME_TAIL_RE.sub("", s)
    m = _YMD_RE.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _YMD8_RE.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _SERIAL_RE.match(s)
    if m:
        d = excel_serial_to_date(int(m.group(1)))
        return (d, None) if d else (None, DATE_UNPARSEABLE)
    return None, DATE_UNPARSEABLE
