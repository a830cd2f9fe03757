"""Read audit: every read of full (unmasked) numbers is an immutable ``AuditEvent`` node
(who, their role and division, when, which person, which fields), written before the
data is returned — if it cannot be written, nothing is revealed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from notoneless.api.access import Caller


def record_reveal(store: Any, caller: Caller, person_id: str, fields: list[str]) -> str:
    event_id = f"A-{uuid.uuid4().hex}"
    store.query(
        "api/audit/record",
        event_id=event_id,
        action="reveal",
        by=caller.name,
        role=caller.role.value,
        division=caller.division,
        person_id=person_id,
        fields=list(fields),
        at=datetime.now(UTC).isoformat(),
    )
    return event_id
