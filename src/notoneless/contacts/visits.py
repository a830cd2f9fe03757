"""A contact's monthly visit list (每月走访清单): who is due, who is overdue.

For a month (default: the month of the last run's ``reference_date``), each child (包人)
and household (包户) the contact is 在岗 responsible for, with the last visit and a status:

- 本月已走访 — a visit in the month, on or before the as-of date;
- 逾期 — otherwise, when there was no visit in the 30 days up to the as-of date (the
  contract's 走访逾期 window: ``as_of − 29 days … as_of``);
- 本月待走访 — otherwise (visited recently, but not yet this month).

The as-of date is the last run's reference date for its own month and any later one
(the visits go no further), and the month's last day for an earlier month. A visit to
a child counts for their households and a visit to a household for its children, as
in the contact_gaps check.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from notoneless.access.users import Caller
from notoneless.checks.definitions import visit_window
from notoneless.contacts.actions import find_contact
from notoneless.errors import ContactError
from notoneless.graph.store import GraphStore

VISITED, DUE, OVERDUE = "本月已走访", "本月待走访", "逾期"


def _date(value: Any) -> date:
    return value.to_native() if hasattr(value, "to_native") else value


def parse_month(text: str) -> date:
    """``2025-10`` → 2025-10-01."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ContactError(f"月份「{text}」应写成 YYYY-MM，例如 2025-10。", field="month") from None


def as_of_date(month: date, reference_date: date) -> date:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return reference_date if last >= reference_date else last


def visit_status(visit_dates: list[date], month: date, as_of: date) -> str:
    """The status of one child or household (rules in the module docstring)."""
    if any(month <= d <= as_of for d in visit_dates):
        return VISITED
    first_day, last_day = visit_window(as_of)
    if not any(first_day <= d <= last_day for d in visit_dates):
        return OVERDUE
    return DUE


def last_reference_date(store: GraphStore) -> date | None:
    rows = store.query("contacts/last_reference_date")
    return _date(rows[0]["reference_date"]) if rows else None


@dataclass
class VisitList:
    contact: dict[str, Any]
    month: str
    as_of: date
    items: list[dict[str, Any]]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for i in self.items if i["status"] == s) for s in (VISITED, DUE, OVERDUE)}


def visit_list(store: GraphStore, caller: Caller, contact_id: str, month: str | None = None) -> VisitList:
    """The visit list of ``contact_id`` as ``caller`` may see it (ContactNotFound outside their scope)."""
    contact = find_contact(store, caller, contact_id)
    reference = last_reference_date(store) or date.today()
    first = parse_month(month) if month else reference.replace(day=1)
    as_of = as_of_date(first, reference)
    rows = store.query("contacts/visit_list", contact_id=contact["contact_id"], last_day=as_of.isoformat(),
                       **caller.scope())
    items = []
    for r in rows:
        dates = sorted(_date(d) for d in r["visit_dates"] if d is not None)
        items.append({"duty_type": r["duty_type"], "target": r["target"], "name": r.get("name"),
                      "village_code": r.get("village_code"), "last_visit": dates[-1] if dates else None,
                      "status": visit_status(dates, first, as_of)})
    return VisitList(contact, f"{first:%Y-%m}", as_of, items)
