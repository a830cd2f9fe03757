"""Read audit: every read of full (unmasked) numbers is an immutable ``AuditEvent`` node
(who, their role and division, when, which person, which fields), written before the
data is returned — if it cannot be written, nothing is revealed."""

from __future__ import annotations


from notoneless.api.access import Caller
from notoneless.audit import record_event
from notoneless.graph.store import GraphStore


def record_reveal(store: GraphStore, caller: Caller, person_id: str, fields: list[str]) -> str:
    return record_event(store, "reveal", caller.name, caller.role.value, caller.division, fields, person_id=person_id)
