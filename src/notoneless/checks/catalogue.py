"""The five checks in the contract's order, run over the graph, and their findings
recorded in the graph (``Finding`` nodes, for the case ledger and the trail)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

from notoneless.checks import (
    contact_gaps,
    cross_county_students,
    duplicate_subsidies,
    missed_subsidies,
    unmatched_children,
)
from notoneless.checks.findings import CheckContext, Finding
from notoneless.graph.store import GraphStore

CHECKS: tuple[ModuleType, ...] = (
    unmatched_children,
    cross_county_students,
    duplicate_subsidies,
    missed_subsidies,
    contact_gaps,
)
# Persons per transaction of checks/person_status (it collects each person's records).
STATUS_BATCH = 5_000
# Check queries running at once, each in its own session (a 2-core machine: 2).
CHECK_SESSIONS = 2
# Findings per transaction of findings/seen (a key and a run id each).
SEEN_BATCH = 50_000
# New findings (findings/create: a node and up to three links each) per transaction, and the
# transactions at once: a first run's 25,000 go two at a time (their persons rarely meet;
# when two batches do, one waits or is retried as any transient error).
CREATE_BATCH = 5_000
CREATE_SESSIONS = 2
KINDS: tuple[str, ...] = tuple(c.KIND for c in CHECKS)
LABELS: dict[str, str] = {c.KIND: c.LABEL for c in CHECKS}
COLUMNS: dict[str, tuple[str, ...]] = {c.KIND: c.COLUMNS for c in CHECKS}


def sort_findings(check: ModuleType, findings: list[Finding]) -> list[Finding]:
    """The stable order of a finding file (each check's ``sort_key``)."""
    return sorted(findings, key=lambda f: check.sort_key(f.row))


def derive_status(store: GraphStore, ctx: CheckContext) -> int:
    """Write each person's status from the graph (``checks/person_status``, in batches of
    persons); the number of persons. The run does not need this: the load writes the same
    properties with each Person node (``graph/load.py`` PERSON_STATUS_SQL, computed in
    DuckDB from the same rows), which costs no separate pass over every person — at 1M
    records that pass alone took most of the checks stage. The Cypher stays the graph's
    definition: tests/checks/test_person_status.py compares the two on every person, and
    a graph loaded by other means can be given its status with this."""
    params = ctx.status_params()
    rows = ({"person_id": r["person_id"], **params} for r in store.query("checks/person_ids"))
    return store.write_rows("checks/person_status", rows, batch_size=STATUS_BATCH)


def run_checks(
    store: GraphStore,
    ctx: CheckContext,
    *,
    on_check: Callable[[str, int, float], None] | None = None,
    status: bool = False,
) -> dict[str, list[Finding]]:
    """Run every check on the persons' status as the load wrote it (``status``: derive it
    in the graph first, ``derive_status``).

    Returns the findings per kind, each list in its stable order.
    """
    if status:
        derive_status(store, ctx)

    def find(check: ModuleType) -> tuple[list[Finding], float]:
        started = time.perf_counter()
        return sort_findings(check, check.find(store, ctx)), time.perf_counter() - started

    # Neo4j runs each query on one core: the checks go CHECK_SESSIONS at a time, the
    # largest (contact_gaps, last in the contract's order) first.
    with ThreadPoolExecutor(max_workers=CHECK_SESSIONS, thread_name_prefix="check") as pool:
        futures = {check: pool.submit(find, check) for check in reversed(CHECKS)}
        results: dict[str, list[Finding]] = {}
        for check in CHECKS:
            results[check.KIND], took = futures[check].result()
            if on_check:
                on_check(check.KIND, len(results[check.KIND]), took)
    return results


def record_findings(store: GraphStore, run_id: str, findings: dict[str, list[Finding]]) -> dict[str, int]:
    """Write the run's findings as ``Finding`` nodes (keyed by the finding key, linked to the
    Run, the Person and the Division they are about); findings of earlier runs not found
    again are marked ``active = false`` (kept: the ledger reconciles them) and linked
    again to their Person and Division where those links are missing (after a restore).

    Only what differs is written in full: the graph's findings with this run's keys are read
    first (``findings/recorded``); a new key is created (``findings/create``), a changed or
    inactive one written again (``findings/record``), and one found again unchanged only
    marked as seen in this run (``findings/seen``). The graph ends as if every finding had
    been written by ``findings/record``. Returns how many were ``written`` (new or changed),
    ``seen`` (unchanged) and ``retired``."""
    rows = [
        {
            "key": f.key,
            "kind": f.kind,
            "label": LABELS[f.kind],
            "person_id": f.person_id,
            "division_code": f.division_code,
            "columns": list(f.row.keys()),
            "values": list(f.row.values()),
            "run_id": run_id,
        }
        for kind in KINDS
        for f in findings.get(kind, [])
    ]
    recorded = {r["key"]: r for r in store.query("findings/recorded", keys=[r["key"] for r in rows])} if rows else {}
    new, changed, seen = [], [], []
    created: set[str] = set()
    for r in rows:
        known = recorded.get(r["key"])
        if known is None and r["key"] not in created:
            created.add(r["key"])
            new.append(r)
        elif known is not None and known["active"] is True and known["content"] == _content(r):
            seen.append(r)
        else:  # changed, inactive, or a key repeated in this run (written after its first row, as before)
            changed.append(r)
    written = store.write_rows("findings/create", new, batch_size=CREATE_BATCH, workers=CREATE_SESSIONS) if new else 0
    written += store.write_rows("findings/record", changed) if changed else 0
    if seen:
        store.write_rows("findings/seen", [{"key": r["key"], "run_id": run_id} for r in seen], batch_size=SEEN_BATCH)
    retired = store.query("findings/retire", run_id=run_id)
    store.query("findings/relink")  # the kept findings of earlier runs, to the nodes this run rebuilt
    return {"written": written, "seen": len(seen), "retired": retired[0]["retired"] if retired else 0}


_SEP = "\x1f"  # U+001F, as findings/recorded joins a finding's content


def _content(row: dict) -> str | None:
    """A finding row's content as ``findings/recorded`` gives it for the node it wrote; None
    (compares unequal) when a text holds the separator itself, so that two different rows
    can never give the same text."""
    texts = [row["kind"], row["label"], *row["columns"], *row["values"],
             *(v for v in (row["person_id"], row["division_code"]) if v is not None)]
    if any(_SEP in t for t in texts):
        return None
    ref = ["" if v is None else "=" + v for v in (row["person_id"], row["division_code"])]
    return _SEP.join([row["kind"], row["label"], *ref, str(len(row["columns"])), *row["columns"], *row["values"]])
