"""Findings (问题线索): one row of one check, as the contract's CSV shows it.

A :class:`Finding` holds the contract's columns in the contract's order (``row``), a
stable ``key`` (the check's kind and the natural key of the row: the case ledger
reconciles findings across runs by it) and what it is about (a person, or a village
for 包村缺位). :class:`CheckContext` is what every check needs from the manifest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from notoneless.checks.definitions import compulsory_birth_range, school_year_start, visit_window

YES, NO = "是", "否"


@dataclass(frozen=True)
class CheckContext:
    """The manifest's facts the checks use (contract section 1, manifest.json)."""

    province_code: str
    term: str
    reference_date: dt.date
    school_year_start: dt.date

    @classmethod
    def of(cls, province_code: str, term: str, reference_date: dt.date) -> CheckContext:
        return cls(province_code, term, reference_date, school_year_start(term))

    @classmethod
    def from_workspace(cls, con: duckdb.DuckDBPyConnection) -> CheckContext:
        row = con.execute("SELECT province_code, term, reference_date FROM manifest LIMIT 1").fetchone()
        return cls.of(row[0], row[1], row[2])

    def status_params(self) -> dict[str, str]:
        born_after, born_by = compulsory_birth_range(self.school_year_start)
        return {"province": self.province_code, "born_after": born_after.isoformat(), "born_by": born_by.isoformat()}

    def window(self) -> tuple[dt.date, dt.date]:
        return visit_window(self.reference_date)


@dataclass(frozen=True)
class Finding:
    kind: str  # e.g. unmatched_children
    key: str  # kind + natural key, stable across runs
    row: dict[str, str]  # the contract's columns, in order, as written to the CSV
    person_id: str | None = None
    division_code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def text(value: Any) -> str:
    """A graph value as the CSV shows it: '' for null, ISO dates, 是/否 for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if hasattr(value, "iso_format"):  # neo4j.time.Date
        return value.iso_format()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def amount(value: float | int | Decimal | None) -> str:
    """A sum of money in yuan with two decimals (金额), e.g. ``625.00``."""
    if value is None:
        return ""
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def finding_key(kind: str, *parts: str | None) -> str:
    return "|".join([kind, *[p or "" for p in parts]])
