"""The conflict rule between the service's 三包 actions and a bundle's ``contacts`` file.

Newest statement wins, per slot (``docs/contacts.md``):

- a *slot* is (contact, duty type, target) for an assignment and (contact) for a status;
  targets are compared as the graph holds them (village code, household key, person id
  after following merges), so a bundle row and a service action about the same
  household or child meet in one slot;
- the bundle's statements are dated by its manifest ``reference_date``; the service's
  latest statement in a slot (``made_at``, China time) is compared with it:
  on or after the reference date it wins (a 'release' removes the bundle rows'
  responsibility, an 'assign' keeps it; a 离岗 makes every responsibility of the
  contact 离岗 even where the bundle says 在岗, a 在岗 the reverse); before it, the
  bundle wins and the service statement is *overridden*;
- a service statement about a slot the bundle says nothing about simply applies
  (an 'assign' adds a responsibility, a status sets the contact's status);
- a service assignment's responsibility carries the contact's effective status: the
  applied service status, else the bundle's status of the contact (在岗 when any of
  its rows is), else 在岗 for a contact only the service registered;
- a registered contact the bundle does not list becomes a contact of the run (a
  bundle listing it wins: its name, phone and unit are the county's roster);
- a statement whose target no longer exists (a village, household or person not in
  this run) or whose contact is in neither the bundle nor the service's registrations
  is *unresolved*: reported, not applied.

With no service events the bundle's rows come back unchanged. Pure: the caller
(``contacts/effective.py``) reads the workspace and the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from notoneless.contacts.events import (
    SERVICE_ROW_PREFIX,
    TARGET_LABEL,
    TARGET_ROW_KEY,
    Assignment,
    Registration,
    ServiceEvents,
    StatusChange,
)

DEFAULT_STATUS = "在岗"  # of a contact only the service registered, until a status change says otherwise

E = TypeVar("E", Assignment, StatusChange, Registration)


@dataclass
class ServiceReport:
    """What the merge did with the service's statements (the latest one per slot)."""

    applied: dict[str, int] = field(default_factory=lambda: {"assign": 0, "release": 0, "status": 0})
    overridden: int = 0  # a newer bundle said otherwise
    unresolved: int = 0  # target or contact no longer known
    registered: int = 0  # service-registered contacts added to the run

    @property
    def applied_total(self) -> int:
        return sum(self.applied.values())

    def as_dict(self) -> dict[str, Any]:
        return {"applied": dict(self.applied), "overridden": self.overridden, "unresolved": self.unresolved,
                "registered": self.registered}

    def describe(self) -> str:
        """The run's one-line Chinese summary."""
        a = self.applied
        line = (f"三包系统内操作：生效 {self.applied_total} 条（指派 {a['assign']}、解除 {a['release']}、"
                f"在岗状态 {a['status']}），被更新的数据包覆盖 {self.overridden} 条")
        if self.unresolved:
            line += f"，对象或联系人已不存在 {self.unresolved} 条"
        if self.registered:
            line += f"；系统内登记的联系人 {self.registered} 人"
        return line


@dataclass
class Effective:
    """The run's responsibilities after the merge, by target label (the load's rows),
    the contacts' status overrides, the registered contacts to add, and the report."""

    responsibilities: dict[str, list[dict[str, Any]]]
    status: dict[str, str]
    contacts: list[dict[str, Any]]
    report: ServiceReport


def latest(events: Iterable[E], slot: Callable[[E], Any]) -> dict[Any, E]:
    """The newest event of each slot."""
    out: dict[Any, E] = {}
    for e in events:
        key = slot(e)
        if key not in out or e.order > out[key].order:
            out[key] = e
    return out


def merge(
    bundle: Mapping[str, list[dict[str, Any]]],
    bundle_contacts: Mapping[str, str],
    events: ServiceEvents,
    reference_date: date,
    resolve: Callable[[str, str], str | None],
) -> Effective:
    """Apply the rule.

    ``bundle``: the resolved bundle responsibilities by target label (rows of
    ``graph.targets.resolve_targets``: ``contact_id``, ``type``, ``status`` and the
    target's key ``code`` / ``uid`` / ``person_id``); ``bundle_contacts``: contact id →
    the bundle's status of the contact; ``resolve(duty_type, target)``: the target's key
    in this run, or None when it is gone.
    """
    report = ServiceReport()
    registered = {
        c: r for c, r in latest(events.registrations, lambda r: r.contact_id).items() if c not in bundle_contacts
    }
    report.registered = len(registered)
    known = set(bundle_contacts) | set(registered)

    status: dict[str, str] = {}
    for contact_id, change in sorted(latest(events.status_changes, lambda s: s.contact_id).items()):
        if contact_id not in known:
            report.unresolved += 1
        elif contact_id in bundle_contacts and change.day < reference_date:
            report.overridden += 1
        else:
            status[contact_id] = change.status
            report.applied["status"] += 1

    def effective_status(contact_id: str) -> str:
        return status.get(contact_id) or bundle_contacts.get(contact_id) or DEFAULT_STATUS

    rows: dict[str, list[dict[str, Any]]] = {label: list(bundle.get(label, [])) for label in bundle}
    slots: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for duty, label in TARGET_LABEL.items():
        for row in rows.get(label, []):
            slots.setdefault((row["contact_id"], row["type"], row[TARGET_ROW_KEY[duty]]), []).append(row)

    resolved: list[tuple[Assignment, str]] = []
    for a in latest(events.assignments, lambda a: (a.contact_id, a.duty_type, a.target)).values():
        key = resolve(a.duty_type, a.target) if a.duty_type in TARGET_LABEL else None
        if key is None or a.contact_id not in known:
            report.unresolved += 1
        else:
            resolved.append((a, key))
    # Two statements about the same slot after resolution (an old and a new id of one
    # person): the newer one speaks for the slot.
    by_slot: dict[tuple[str, str, str], tuple[Assignment, str]] = {}
    for a, key in resolved:
        slot = (a.contact_id, a.duty_type, key)
        if slot not in by_slot or a.order > by_slot[slot][0].order:
            by_slot[slot] = (a, key)
    dropped: set[int] = set()
    for slot, (a, key) in sorted(by_slot.items()):
        label = TARGET_LABEL[a.duty_type]
        if slot in slots:
            if a.day < reference_date:
                report.overridden += 1
                continue
            report.applied[a.action] += 1
            if a.action == "release":
                dropped.update(id(r) for r in slots[slot])
            continue
        report.applied[a.action] += 1
        if a.action == "assign":
            row: dict[str, Any] = {"row_key": SERVICE_ROW_PREFIX + a.assignment_id, "contact_id": a.contact_id,
                                   "type": a.duty_type, "status": effective_status(a.contact_id),
                                   "target_raw": a.target, TARGET_ROW_KEY[a.duty_type]: key,
                                   "assignment_id": a.assignment_id}
            if label == "Person":
                row["repaired"] = False
            rows.setdefault(label, []).append(row)

    for label, label_rows in rows.items():
        kept = []
        for row in label_rows:
            if id(row) in dropped:
                continue
            if row["contact_id"] in status and row["status"] != status[row["contact_id"]]:
                row = {**row, "status": status[row["contact_id"]]}
            kept.append(row)
        rows[label] = kept

    contacts = [
        {"contact_id": r.contact_id, "name": r.name, "phone": r.phone, "unit": r.unit,
         "status": effective_status(r.contact_id)}
        for r in sorted(registered.values(), key=lambda r: r.contact_id)
    ]
    return Effective(rows, status, contacts, report)
