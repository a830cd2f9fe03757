"""Audit events (``AuditEvent`` nodes, written only by ``api/audit/record.cypher``): the
parameters of one event, shared by the API's reveal reads (``api/audit.py``) and the
identity decisions (``decisions/book.py``, in their own transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def event_params(event_id: str, action: str, by: str, role: str | None, division: str | None, person_id: str,
                 fields: list[str], at: datetime, decision_id: str | None = None) -> dict[str, Any]:
    """The parameters of ``api/audit/record``."""
    return {"event_id": event_id, "action": action, "by": by, "role": role, "division": division,
            "person_id": person_id, "fields": list(fields), "at": at.isoformat(), "decision_id": decision_id}
