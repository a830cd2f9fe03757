"""Which counties a bundle covers: the run reconciles only their cases (``cases.reconcile.in_scope``).

Coverage is derived from the bundle's ``divisions`` file, so every bundle of contract
v1 has it without a new manifest field: a county is covered when the file lists it, or
one of its towns or villages (the first six digits of a 9- or 12-digit code).
"""

from __future__ import annotations

import duckdb

from notoneless.handoffs import DIVISIONS


def covered_counties(con: duckdb.DuckDBPyConnection) -> frozenset[str] | None:
    """The 6-digit county codes the ingested bundle covers; None when its divisions name
    no county at all (then a run reconciles the whole ledger)."""
    rows = con.execute(
        f"SELECT DISTINCT substr(code, 1, 6) FROM {DIVISIONS} WHERE length(code) >= 6 AND code IS NOT NULL"
    ).fetchall()
    counties = frozenset(r[0] for r in rows if r[0] and r[0].isdigit())
    return counties or None
