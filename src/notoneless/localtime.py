"""Times as officers read them: China Standard Time (UTC+8, no daylight saving).

The graph and the API keep times in UTC (or with their offset); every table, export or
console line an officer reads shows them in China time, so that a case opened at 16:00
in the county office does not read 08:00. A time without an offset is taken as UTC,
which is how the project writes them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

CHINA_TIME = timezone(timedelta(hours=8))


def in_china_time(value: datetime) -> datetime:
    """``value`` (UTC when it has no offset) as an aware datetime in China time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA_TIME)


def china_day(value: datetime) -> date:
    """The day ``value`` falls on in China."""
    return in_china_time(value).date()


def excel_time(value: datetime) -> datetime:
    """``value`` in China time without its offset: Excel has no time zones."""
    return in_china_time(value).replace(tzinfo=None)


def shown(value: Any) -> str:
    """``YYYY-MM-DD HH:MM`` in China time for a datetime (also an ISO string or a Neo4j
    DateTime), ``YYYY-MM-DD`` for a date, ``""`` for None; anything else as it is."""
    if value is None:
        return ""
    if hasattr(value, "to_native"):  # neo4j.time.DateTime / Date
        value = value.to_native()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else value
        except ValueError:
            return value
    if isinstance(value, datetime):
        return in_china_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)
