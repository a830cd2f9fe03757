"""Which counties a bundle covers: the run reconciles only their cases (``cases.reconcile.in_scope``).

Coverage is derived from the bundle's ``divisions`` file, so every bundle of contract
v1 has it without a new manifest field: a county is covered when the file lists it, or
one of its towns or villages (the first six digits of a 9- or 12-digit code).
``counties_of`` is the rule; ``covered_counties`` applies it to the ingested bundle, and
the upload check (``bundle/check.py``) to the file before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from notoneless.handoffs import DIVISIONS


def counties_of(codes: Iterable[str | None]) -> frozenset[str] | None:
    """The 6-digit county codes that (normalised) division codes name; None when none does."""
    counties = frozenset(c[:6] for c in codes if c and len(c) >= 6 and c[:6].isdigit())
    return counties or None


def covered_counties(con: duckdb.DuckDBPyConnection) -> frozenset[str] | None:
    """The 6-digit county codes the ingested bundle covers; None when its divisions name
    no county at all (then a run reconciles the whole ledger)."""
    rows = con.execute(f"SELECT DISTINCT code FROM {DIVISIONS} WHERE code IS NOT NULL").fetchall()
    return counties_of(r[0] for r in rows)
