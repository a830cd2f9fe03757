"""Audit events (``AuditEvent`` nodes, written only by ``api/audit/record.cypher``): every
read of a child's data (kinds below), who read full (unmasked) numbers — a person's
detail, a contact's visit list, a town's 三包 roster — and who made an identity decision.
Every event of a read or reveal through the API or the officer pages goes through the
server's journal (``api/audits.py``: durable at once, in the graph in batches); the
CLI's reads, a roster written by the CLI and the identity decisions
(``decisions/book.py``, in their own transaction) write theirs to the graph directly.

Each event says who (``by``: the user's name, ``user_id``), with which role and
division, what (``action``: the kind; ``person_id`` or ``person_ids``; ``target``: what
else was read, e.g. a pair of record keys), when (``at``) and from where (``source``: the
client's address for the API, ``cli:<os user>@<host>`` for the command line). A read
whose event cannot be written fails: the event is written before the data is returned.
"""

from __future__ import annotations

import getpass
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

from notoneless.access.users import Caller
from notoneless.graph.store import GraphStore

# Kinds of read events (docs/api.md lists them with the routes and commands that write them).
TRAIL_READ = "trail_read"  # a person's whole trail (GET /persons/{id}/trail, notoneless trail)
PERSON_READ = "person_read"  # a person's detail, masked (GET /persons/{id})
REVEAL = "reveal"  # a person's detail with full numbers (GET /persons/{id}?reveal=true)
PERSON_SEARCH = "person_search"  # a search (GET /persons?q=): the persons found
PAIR_EXPLAIN = "pair_explain"  # why two records are (not) one person (GET /linkage/explain, notoneless explain)
REVIEW_READ = "review_read"  # one review item: two records side by side, explained (GET /reviews/{id})
CASE_READ = "case_read"  # one case with its events (GET /cases/{case_id})
LEDGER_EXPORT = "ledger_export"  # a county's case ledger workbook (notoneless cases export, 台账 导出)
EVIDENCE_DOWNLOAD = "evidence_download"  # an evidence file of a case (the case page; target: case/file)
VISIT_LIST_READ = "visit_list_read"  # a contact's monthly visit list (GET /contacts/{id}/visits): the 包人 children
ROSTER_REVEAL = "roster_reveal"  # a town's 三包 roster with full phone numbers (GET /contacts/roster?reveal=true)
ROSTER_READ = "roster_read"  # a town's 三包 roster, masked (GET /contacts/roster): the children it lists
BUNDLE_UPLOAD = "bundle_upload"  # a bundle uploaded on the 本月数据 page (target: upload id and SHA-256, or 拒收)
RUN_START = "run_start"  # the run of an uploaded bundle started from the page (target: upload id)
BUNDLE_DOWNLOAD = "bundle_download"  # an uploaded bundle downloaded again (target: upload id and SHA-256)
# Kinds of the workspace's own events (no user of the API: ``by`` is the OS user).
BACKUP = "backup"  # notoneless backup (target: the archive's name and SHA-256; fields: what it holds, kind=count)
RESTORE = "restore"  # notoneless restore (the same, of what was restored)
READ_KINDS = (TRAIL_READ, PERSON_READ, REVEAL, PERSON_SEARCH, PAIR_EXPLAIN, REVIEW_READ, CASE_READ, LEDGER_EXPORT,
              EVIDENCE_DOWNLOAD, VISIT_LIST_READ, ROSTER_READ, ROSTER_REVEAL, BUNDLE_DOWNLOAD)


def event_params(event_id: str, action: str, by: str, role: str | None, division: str | None, person_id: str | None,
                 fields: list[str], at: datetime, decision_id: str | None = None,
                 town: str | None = None, *, user_id: str | None = None, person_ids: list[str] | None = None,
                 target: str | None = None, source: str | None = None) -> dict[str, Any]:
    """The parameters of ``api/audit/record``: about one person (``person_id``), several
    (``person_ids``), or, for a roster, one town (``town``)."""
    ids = list(person_ids) if person_ids is not None else ([person_id] if person_id else [])
    return {"event_id": event_id, "action": action, "by": by, "role": role, "division": division,
            "person_id": person_id, "fields": list(fields), "at": at.isoformat(), "decision_id": decision_id,
            "town": town, "user_id": user_id, "person_ids": ids, "target": target, "source": source}


def new_event_id() -> str:
    return f"A-{uuid.uuid4().hex}"


def os_user() -> str:
    """The login name of whoever runs the command ("?" where there is none)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 — no login name in some containers
        return "?"


def cli_source() -> str:
    """Where a command-line read comes from: the OS user and the host."""
    return f"cli:{os_user()}@{socket.gethostname()}"


def read_event(caller: Caller, action: str, *, source: str, person_id: str | None = None,
               person_ids: list[str] | None = None, target: str | None = None,
               fields: list[str] | None = None, town: str | None = None) -> dict[str, Any]:
    """The parameters of one read event by ``caller``, stamped now (``fields``: the
    fields shown in full, for a reveal; ``town``: the town of a roster)."""
    return event_params(new_event_id(), action, caller.name, caller.role.value, caller.division, person_id,
                        fields or [], datetime.now(UTC), town=town, user_id=caller.user_id or None, person_ids=person_ids,
                        target=target, source=source)


def write_events(store: GraphStore, events: list[dict[str, Any]]) -> None:
    """Write audit events in one transaction (raises if they cannot be written)."""
    store.query("api/audit/record", events=events)


def record_read(store: GraphStore, caller: Caller, action: str, *, source: str | None = None,
                person_id: str | None = None, person_ids: list[str] | None = None,
                target: str | None = None) -> str:
    """Write one read event now (the CLI's reads); its id. Call it before the data is shown."""
    event = read_event(caller, action, source=source or cli_source(), person_id=person_id, person_ids=person_ids,
                       target=target)
    write_events(store, [event])
    return event["event_id"]


def record_event(store: GraphStore, action: str, by: str, role: str | None, division: str | None, fields: list[str], *,
                 person_id: str | None = None, person_ids: list[str] | None = None, town: str | None = None,
                 user_id: str | None = None, source: str | None = None, target: str | None = None) -> str:
    """Write one audit event now (its own transaction); its id. Called before the data it
    is about is returned: if it cannot be written, nothing is revealed."""
    event_id = new_event_id()
    write_events(store, [event_params(event_id, action, by, role, division, person_id, fields, datetime.now(UTC),
                                      town=town, user_id=user_id, person_ids=person_ids, source=source,
                                      target=target)])
    return event_id

