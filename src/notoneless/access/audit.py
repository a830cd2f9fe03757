"""Audit events (``AuditEvent`` nodes, written only by ``api/audit/record.cypher``): who
read full (unmasked) numbers — a person's detail, a town's 三包 roster — and who made an
identity decision. Shared by the API's reveal reads, the roster (``contacts/roster.py``)
and the identity decisions (``decisions/book.py``, in their own transaction)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from notoneless.access.users import Caller
from notoneless.graph.store import GraphStore


def event_params(event_id: str, action: str, by: str, role: str | None, division: str | None, person_id: str | None,
                 fields: list[str], at: datetime, decision_id: str | None = None,
                 town: str | None = None) -> dict[str, Any]:
    """The parameters of ``api/audit/record``: about one person (``person_id``) or, for a
    roster, one town (``town``)."""
    return {"event_id": event_id, "action": action, "by": by, "role": role, "division": division,
            "person_id": person_id, "fields": list(fields), "at": at.isoformat(), "decision_id": decision_id,
            "town": town}


def record_event(store: GraphStore, action: str, by: str, role: str, division: str, fields: list[str], *,
                 person_id: str | None = None, town: str | None = None) -> str:
    """Write one audit event now (its own transaction); its id. Called before the data it
    is about is returned: if it cannot be written, nothing is revealed."""
    event_id = f"A-{uuid.uuid4().hex}"
    store.query("api/audit/record", **event_params(event_id, action, by, role, division, person_id, fields,
                                                   datetime.now(UTC), town=town))
    return event_id


def record_reveal(store: GraphStore, caller: Caller, person_id: str, fields: list[str]) -> str:
    """Audit a read of a person's full (unmasked) numbers by ``caller``, before they are shown."""
    return record_event(store, "reveal", caller.name, caller.role.value, caller.division, fields, person_id=person_id)
