"""The contract's shared definitions (section 3) that are not attribution rules.

- *Compulsory age* (义务教育年龄): full years of age on the school year's start between
  6 and 15 inclusive. Expressed as a range of birth dates so the graph can filter
  on an indexed date: born after ``start - 16 years`` and on or before
  ``start - 6 years``.
- *Visit window* (走访时限): the 30 days up to and including ``reference_date``.
- *Eligibility labels* (资格): 建档立卡, 低保, 特困, 残疾 in this fixed order.
"""

from __future__ import annotations

import datetime as dt

COMPULSORY_MIN_AGE = 6
COMPULSORY_MAX_AGE = 15
VISIT_WINDOW_DAYS = 30

# 资格 labels in the order they are joined with ';' in missed_subsidies.csv.
ELIGIBILITY_ORDER = ("建档立卡", "低保", "特困", "残疾")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def full_years(birth: dt.date, on: dt.date) -> int:
    """Full years of age on ``on`` (a birthday counts on the day itself)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def compulsory_birth_range(year_start: dt.date) -> tuple[dt.date, dt.date]:
    """(born_after, born_by): compulsory age on ``year_start`` iff born_after < birth <= born_by."""
    return _years_before(year_start, COMPULSORY_MAX_AGE + 1), _years_before(year_start, COMPULSORY_MIN_AGE)


def is_compulsory_age(birth: dt.date | None, year_start: dt.date) -> bool:
    if birth is None:
        return False
    return COMPULSORY_MIN_AGE <= full_years(birth, year_start) <= COMPULSORY_MAX_AGE


def visit_window(reference_date: dt.date) -> tuple[dt.date, dt.date]:
    """(first_day, last_day) inclusive: the 30 days up to reference_date."""
    return reference_date - dt.timedelta(days=VISIT_WINDOW_DAYS - 1), reference_date


def school_year_start(term: str) -> dt.date:
    """``YYYY秋`` starts on YYYY-09-01, ``YYYY春`` on (YYYY-1)-09-01 (contract section 1)."""
    year, season = int(term[:4]), term[4:]
    if season == "秋":
        return dt.date(year, 9, 1)
    if season == "春":
        return dt.date(year - 1, 9, 1)
    raise ValueError(f"学期 {term!r} 应为 YYYY春 或 YYYY秋")


def join_eligibility(labels) -> str:
    """资格: the distinct labels joined with ';' in ELIGIBILITY_ORDER."""
    present = set(labels)
    return ";".join(label for label in ELIGIBILITY_ORDER if label in present)
