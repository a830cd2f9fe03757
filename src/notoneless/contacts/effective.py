"""A run's effective 三包 responsibilities: the bundle's ``contacts`` rows merged with the
service's events (``contacts/merge.py``, the rule), applied to the load.

``notoneless run`` reads the events from the graph before it loads (``read``), and
``graph.load.load_graph`` calls :meth:`ServiceStatements.apply` once the bundle's 包保对象
are resolved: the responsibilities it loads, and the ``g_contacts`` TEMP table its
Contact step reads, then reflect both, so the ``contact_gaps`` check does too. Targets
are resolved against this run: villages and households by key, persons through the
linkage history's merges (``linkage.id_history.resolve_person_ids``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from notoneless.contacts.events import ServiceEvents
from notoneless.contacts.merge import ServiceReport, merge
from notoneless.graph.store import GraphStore
from notoneless.graph.targets import TargetResolution
from notoneless.handoffs import G_CONTACTS, G_HOUSEHOLD_KEYS, G_VILLAGES


@dataclass
class ServiceStatements:
    events: ServiceEvents
    reference_date: date
    history_path: Path | None = None
    _keys: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)  # (duty, target) → key in this run

    @classmethod
    def read(cls, store: GraphStore, reference_date: date, history_path: Path | None = None) -> ServiceStatements:
        return cls(ServiceEvents.read(store), reference_date, history_path)

    def apply(self, con: duckdb.DuckDBPyConnection, targets: TargetResolution) -> ServiceReport:
        """Merge the events into ``targets.responsibilities`` and the ``g_contacts`` table."""
        if not self.events:
            return ServiceReport()
        self._keys = self._resolve(con)
        bundle_contacts = dict(con.execute(f"SELECT contact_id, status FROM {G_CONTACTS}").fetchall())
        effective = merge(
            targets.responsibilities, bundle_contacts, self.events, self.reference_date,
            lambda duty, target: self._keys.get((duty, target)),
        )
        targets.responsibilities = effective.responsibilities
        if effective.status:
            con.register("g_status_arrow", pa.table({"contact_id": list(effective.status),
                                                     "status": list(effective.status.values())}))
            con.execute(f"UPDATE {G_CONTACTS} SET status = s.status FROM g_status_arrow s "
                        f"WHERE {G_CONTACTS}.contact_id = s.contact_id")
            con.unregister("g_status_arrow")
        if effective.contacts:
            cols = ("contact_id", "name", "phone", "unit", "status")
            con.register("g_registered_arrow", pa.table({c: [r[c] for r in effective.contacts] for c in cols}))
            con.execute(f"INSERT INTO {G_CONTACTS} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM g_registered_arrow")
            con.unregister("g_registered_arrow")
        return effective.report

    def link_rows(self) -> list[dict[str, Any]]:
        """Rows for ``contacts/link_events``: every assignment event to the node its target
        is in this run (``CONCERNS``: what a person's trail lists)."""
        return [
            {"assignment_id": a.assignment_id, "duty_type": a.duty_type, "key": self._keys[(a.duty_type, a.target)]}
            for a in self.events.assignments
            if (a.duty_type, a.target) in self._keys
        ]

    def token(self) -> str:
        """What identifies the events merged (every event's id, hashed): the load keeps it
        with its fingerprints, and a different one next time means officers acted on the
        graph's contacts and responsibilities in between (``graph.load``)."""
        ids = sorted([*(f"a:{a.assignment_id}" for a in self.events.assignments),
                      *(f"s:{c.change_id}" for c in self.events.status_changes),
                      *(f"r:{r.registration_id}" for r in self.events.registrations)])
        return hashlib.sha256("\n".join(ids).encode()).hexdigest()

    def _resolve(self, con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
        """(duty, target) → the target's key in this run, for every target still there.
        Uses the TEMP tables of ``graph.targets.resolve_targets`` (``handoffs.G_VILLAGES``,
        ``handoffs.G_HOUSEHOLD_KEYS``)."""
        from notoneless.linkage.id_history import resolve_person_ids

        wanted: dict[str, set[str]] = {}
        for a in self.events.assignments:
            wanted.setdefault(a.duty_type, set()).add(a.target)
        persons = sorted(wanted.get("包人", ()))
        moved = resolve_person_ids(self.history_path, persons) if self.history_path else {p: p for p in persons}
        known = {
            "包村": {r[0] for r in con.execute(f"SELECT code FROM {G_VILLAGES}").fetchall()},
            "包户": {r[0] for r in con.execute(f"SELECT uid FROM {G_HOUSEHOLD_KEYS}").fetchall()},
            "包人": {r[0] for r in con.execute("SELECT DISTINCT person_id FROM entities").fetchall()},
        }
        keys: dict[tuple[str, str], str] = {}
        for duty, targets in wanted.items():
            for target in targets:
                key = moved.get(target, target) if duty == "包人" else target
                if key in known.get(duty, ()):
                    keys[(duty, target)] = key
        return keys
