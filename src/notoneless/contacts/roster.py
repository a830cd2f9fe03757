"""The 三包 roster of a town (三包花名册) as an XLSX workbook, from the current graph.

Three sheets (Chinese headers, frozen header row, filters, column widths; ``workbook.write_workbook``):

- 包村: every village of the town, its number of target children, its 包村 contacts;
- 包户: the households of the town's target children, their 包户 contacts, last visit;
- 包人: the town's target children (registration village in the town), their 包人
  contacts, last visit.

Gap marks follow the contact_gaps check's definitions, on the current graph (so they
show an officer's assignments before the next run): 包村缺位 (a village with a target
child and no 在岗 包村 contact), 包户缺位, 包人缺位, 走访逾期 (an 在岗 包人 contact and no
visit in the 30 days up to the as-of date: the last run's reference date). Phone numbers
are masked (``138****5678``) unless the officer may see full numbers and asks to; such a
roster is an audit event (action ``roster_reveal``, the town, who, when), made before
the workbook is: through ``audit`` when the caller gives one (the API: its journal),
else written to the graph here (the CLI).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from notoneless.access.audit import ROSTER_READ, ROSTER_REVEAL, cli_source, record_event
from notoneless.access.masking import mask_phone
from notoneless.access.users import Caller
from notoneless.checks.definitions import visit_window
from notoneless.contacts.visits import last_reference_date, visit_status
from notoneless.errors import ContactError, ContactNotFound
from notoneless.graph.store import GraphStore
from notoneless.workbook import Sheet, write_workbook

ON_DUTY = "在岗"
REVEALED_FIELD = "contacts.phone"  # what a revealed roster shows in full
# (the kind: roster_read or roster_reveal, the town, the fields shown in full, the children
# listed): makes the event durable, raises if it cannot be kept
RosterAudit = Callable[[str, str, list[str], list[str]], None]
VILLAGE_HEADERS = ("村级区划代码", "村名", "三包对象儿童数", "包村联系人", "联系人状态", "手机号", "缺位")
HOUSEHOLD_HEADERS = ("户", "户主", "村级区划代码", "包户联系人", "联系人状态", "手机号", "最近走访日期", "缺位")
CHILD_HEADERS = ("人员编号", "姓名", "村级区划代码", "包人联系人", "联系人状态", "手机号", "最近走访日期", "缺位")


def _date(value: Any) -> date:
    return value.to_native() if hasattr(value, "to_native") else value


def _contact_cells(contacts: list[dict[str, Any]], reveal: bool) -> tuple[str, str, str]:
    """(编号 姓名, 状态, 手机号) of a target's contacts, each joined with '；'."""
    return (
        "；".join(f"{c['contact_id']} {c.get('name') or ''}".strip() for c in contacts),
        "；".join(c.get("status") or "" for c in contacts),
        "；".join((c.get("phone") or "") if reveal else mask_phone(c.get("phone") or "") for c in contacts),
    )


def _on_duty(contacts: list[dict[str, Any]]) -> bool:
    return any(c.get("status") == ON_DUTY for c in contacts)


def village_rows(store: GraphStore, prefix: str) -> list[dict[str, Any]]:
    """The villages under ``prefix`` (a town's, a county's or one village's code): the
    ``contacts/roster_villages`` rows, each with its ``gaps`` (包村缺位 or none)."""
    rows = store.query("contacts/roster_villages", town=prefix)
    for r in rows:
        r["gaps"] = ["包村缺位"] if r["targets"] and not _on_duty(r["contacts"]) else []
    return rows


def _visits(r: dict[str, Any], month: date, as_of: date) -> list[date]:
    """Set a row's ``last_visit`` and ``visit_state`` (visits.visit_status); its visit dates."""
    dates = [_date(d) for d in r.pop("visit_dates") if d is not None]
    r["last_visit"] = max(dates) if dates else None
    r["visit_state"] = visit_status(dates, month, as_of)
    return dates


def household_rows(store: GraphStore, prefix: str, as_of: date) -> list[dict[str, Any]]:
    """The households of the target children registered under ``prefix``
    (``contacts/roster_households``), each with ``last_visit``, ``visit_state`` (this
    month's, up to ``as_of``) and ``gaps`` (包户缺位 or none)."""
    rows = store.query("contacts/roster_households", town=prefix, last_day=as_of.isoformat())
    for r in rows:
        _visits(r, as_of.replace(day=1), as_of)
        r["gaps"] = [] if _on_duty(r["contacts"]) else ["包户缺位"]
    return rows


def child_rows(store: GraphStore, prefix: str, as_of: date) -> list[dict[str, Any]]:
    """The target children registered under ``prefix`` (``contacts/roster_children``), each
    with ``last_visit``, ``visit_state`` and ``gaps`` (包户缺位, 包人缺位, 走访逾期: the
    contact_gaps check's definitions, on the current graph, as of ``as_of``)."""
    first_day, last_day = visit_window(as_of)
    rows = store.query("contacts/roster_children", town=prefix, last_day=as_of.isoformat())
    for r in rows:
        dates = _visits(r, as_of.replace(day=1), as_of)
        gaps = [] if r["household_covered"] else ["包户缺位"]
        if not _on_duty(r["contacts"]):
            gaps.append("包人缺位")
        elif not any(first_day <= d <= last_day for d in dates):
            gaps.append("走访逾期")
        r["gaps"] = gaps
    return rows


def roster_as_of(store: GraphStore) -> date:
    """The date gap marks and visit states are computed for: the last run's reference date."""
    return last_reference_date(store) or date.today()


def build_roster(store: GraphStore, caller: Caller, town: str, *, reveal: bool = False,
                 audit: RosterAudit | None = None) -> list[Sheet]:
    """The roster's sheets for ``town`` (9 digits) as ``caller`` may see it (``audit``:
    how its event — roster_read, or roster_reveal — is kept; without it, written to the graph)."""
    code = town.strip()
    if not (code.isdigit() and len(code) == 9):
        raise ContactError(f"乡镇区划代码「{town}」应为 9 位数字，例如 431202101。", field="town")
    scope = caller.scope()
    if scope["division"] is None or not code.startswith(scope["division"]):
        raise ContactNotFound(f"辖区内没有乡镇 {code}：请核对 9 位乡镇区划代码。", field="town")
    reveal = reveal and caller.can_reveal
    as_of = roster_as_of(store)
    villages = [(r["code"], r.get("name") or "", r["targets"], *_contact_cells(r["contacts"], reveal),
                 "、".join(r["gaps"])) for r in village_rows(store, code)]
    households = [(r["key"], r.get("head_name") or "", r.get("village_code") or "",
                   *_contact_cells(r["contacts"], reveal), r["last_visit"], "、".join(r["gaps"]))
                  for r in household_rows(store, code, as_of)]
    children = [(r["person_id"], r.get("name") or "", r.get("village_code") or "",
                 *_contact_cells(r["contacts"], reveal), r["last_visit"], "、".join(r["gaps"]))
                for r in child_rows(store, code, as_of)]
    # Every roster lists children: audited before it leaves (no event, no roster), as a
    # reveal when it shows full numbers. ``audit``: the API's journal; else (the CLI) the graph.
    kind, fields = (ROSTER_REVEAL, [REVEALED_FIELD]) if reveal else (ROSTER_READ, [])
    listed = sorted({row[0] for row in children})
    if audit is not None:
        audit(kind, code, fields, listed)
    else:
        record_event(store, kind, caller.name, caller.role.value, caller.division, fields, town=code,
                     person_ids=listed, user_id=caller.user_id or None, source=cli_source())
    return [Sheet("包村", VILLAGE_HEADERS, villages), Sheet("包户", HOUSEHOLD_HEADERS, households),
            Sheet("包人", CHILD_HEADERS, children)]


def write_roster(store: GraphStore, caller: Caller, town: str, out: Path, *, reveal: bool = False,
                 audit: RosterAudit | None = None) -> list[Sheet]:
    """Write the roster of ``town`` to ``out`` (XLSX); returns its sheets."""
    sheets = build_roster(store, caller, town, reveal=reveal, audit=audit)
    write_workbook(sheets, out)
    return sheets
