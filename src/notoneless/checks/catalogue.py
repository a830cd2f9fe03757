"""The five checks in the contract's order, run over the graph, and their findings
recorded in the graph (``Finding`` nodes, for the case ledger and the trail)."""

from __future__ import annotations

import time
from collections.abc import Callable
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
    results: dict[str, list[Finding]] = {}
    for check in CHECKS:
        started = time.perf_counter()
        results[check.KIND] = sort_findings(check, check.find(store, ctx))
        if on_check:
            on_check(check.KIND, len(results[check.KIND]), time.perf_counter() - started)
    return results


def record_findings(store: GraphStore, run_id: str, findings: dict[str, list[Finding]]) -> dict[str, int]:
    """Write the run's findings as ``Finding`` nodes (MERGE on the finding key, linked to the
    Run, the Person and the Division they are about); findings of earlier runs not found
    again are marked ``active = false`` (kept: the ledger reconciles them) and linked
    again to their Person and Division where those links are missing (after a restore)."""
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
    written = store.write_rows("findings/record", rows) if rows else 0
    retired = store.query("findings/retire", run_id=run_id)
    store.query("findings/relink")  # the kept findings of earlier runs, to the nodes this run rebuilt
    return {"written": written, "retired": retired[0]["retired"] if retired else 0}
