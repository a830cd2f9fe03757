"""Officers' 三包 actions: immutable event records in the graph (created, never edited).

- ``(:ContactAssignment {assignment_id, action: assign|release, contact_id, duty_type,
  target, made_by, made_at, note, batch_id})`` — one per contact, duty and target;
  ``target`` is a 12-digit village code (包村), a household key ``hukou:<户号>`` /
  ``fupin:<户编号>`` (包户) or a stable person id (包人). A bulk action shares one
  ``batch_id``; "replace" is a release and an assign written in one transaction.
- ``(:ContactStatusChange {change_id, contact_id, status: 在岗|离岗, made_by, made_at, note})``.
- ``(:ContactRegistration {registration_id, contact_id, name, phone, unit, made_by,
  made_at, note})`` — a contact no bundle lists (帮扶联系人 the county has not exported yet).

A statement's date (what the conflict rule compares with a bundle's ``reference_date``)
is the day of ``made_at`` in China Standard Time (UTC+8, no daylight saving).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from notoneless.graph.store import GraphStore
from notoneless.localtime import china_day

ACTIONS = ("assign", "release")
ACTION_LABELS = {"assign": "指派", "release": "解除"}
# The graph node each duty points to, and the key its load rows carry (graph/targets.py).
TARGET_LABEL = {"包村": "Division", "包户": "Household", "包人": "Person"}
TARGET_ROW_KEY = {"包村": "code", "包户": "uid", "包人": "person_id"}
SERVICE_ROW_PREFIX = "service:"  # RESPONSIBLE_FOR.row_key of a service assignment: service:<assignment_id>

def _datetime(value: Any) -> datetime:
    if hasattr(value, "to_native"):  # neo4j.time.DateTime
        value = value.to_native()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value


@dataclass(frozen=True, kw_only=True)
class Made:
    """Who made an event: the registered user's id, role and division (``access.Caller.actor``),
    None for events recorded before actors were stored."""

    actor_id: str | None = None
    actor_role: str | None = None
    actor_division: str | None = None


@dataclass(frozen=True)
class Assignment(Made):
    assignment_id: str
    action: str
    contact_id: str
    duty_type: str
    target: str
    made_by: str
    made_at: datetime
    note: str | None = None
    batch_id: str | None = None

    @property
    def day(self) -> date:
        return china_day(self.made_at)

    @property
    def order(self) -> tuple[datetime, str]:
        """Later statements sort last (ties: by id, so the order is total)."""
        return (self.made_at, self.assignment_id)


@dataclass(frozen=True)
class StatusChange(Made):
    change_id: str
    contact_id: str
    status: str
    made_by: str
    made_at: datetime
    note: str | None = None

    @property
    def day(self) -> date:
        return china_day(self.made_at)

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.made_at, self.change_id)


@dataclass(frozen=True)
class Registration(Made):
    registration_id: str
    contact_id: str
    name: str
    made_by: str
    made_at: datetime
    phone: str | None = None
    unit: str | None = None
    note: str | None = None

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.made_at, self.registration_id)


@dataclass(frozen=True)
class ServiceEvents:
    """Every 三包 event the service holds (small: officers' actions, not bundle rows)."""

    assignments: tuple[Assignment, ...] = ()
    status_changes: tuple[StatusChange, ...] = ()
    registrations: tuple[Registration, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.assignments or self.status_changes or self.registrations)

    @classmethod
    def read(cls, store: GraphStore) -> ServiceEvents:
        """All events from the graph (named queries ``contacts/events_*``)."""

        def rows(name: str) -> list[dict[str, Any]]:
            # each query returns the event node's properties as `event` (absent ones: the defaults)
            return [{**r["event"], "made_at": _datetime(r["event"]["made_at"])} for r in store.query(name)]

        return cls(
            tuple(Assignment(**r) for r in rows("contacts/events_assignments")),
            tuple(StatusChange(**r) for r in rows("contacts/events_status")),
            tuple(Registration(**r) for r in rows("contacts/events_registrations")),
        )
