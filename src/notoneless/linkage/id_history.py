"""The person-id history database (``history.duckdb``, survives runs): its schema
(created under the alias ``HISTORY`` where stable_ids.py ATTACHes it), removing a run
to redo it, and the lookups other parts make in it — where an older person id lives
now after merges (``resolve_person_ids``) and where a split person's records went
(``split_homes``), for the case ledger, contacts and decisions. The tables are
described in stable_ids.py's docstring.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

HISTORY = "__nol_history"  # the alias the history database is attached under

HISTORY_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {HISTORY}.runs (
    run_seq INTEGER, run_id VARCHAR, recorded_at TIMESTAMP, records BIGINT, persons BIGINT,
    inherited BIGINT, new_ids BIGINT, merges BIGINT, splits BIGINT);
CREATE TABLE IF NOT EXISTS {HISTORY}.person_ids (
    person_id VARCHAR, created_run_seq INTEGER, created_run_id VARCHAR);
CREATE TABLE IF NOT EXISTS {HISTORY}.person_id_history (
    fingerprint VARCHAR, person_id VARCHAR, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS {HISTORY}.person_id_merges (
    old_person_id VARCHAR, into_person_id VARCHAR, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS {HISTORY}.person_id_splits (
    from_person_id VARCHAR, new_person_id VARCHAR, run_id VARCHAR);
"""
# The tables of the history, in the order a backup writes them (notoneless.backup).
HISTORY_TABLES = ("runs", "person_ids", "person_id_history", "person_id_merges", "person_id_splits")


def recorded_runs(history_path: Path) -> list[str]:
    """The ids of the runs the history recorded, oldest first ([] without a history)."""
    if not Path(history_path).exists():
        return []
    con = duckdb.connect(str(history_path), read_only=True)
    try:
        if "runs" not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}:
            return []
        return [r[0] for r in con.execute("SELECT run_id FROM runs ORDER BY run_seq").fetchall()]
    finally:
        con.close()


def forget_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Remove everything the (latest) run ``run_id`` wrote, to redo it."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, col in (
            ("person_id_history", "run_id"),
            ("person_id_merges", "run_id"),
            ("person_id_splits", "run_id"),
            ("person_ids", "created_run_id"),
            ("runs", "run_id"),
        ):
            con.execute(f"DELETE FROM {HISTORY}.{table} WHERE {col} = $run", {"run": run_id})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def resolved_cte(table: str, key: str, merges: str = "person_id_merges") -> str:
    """The CTEs ``chain`` and ``resolved(start_id, person_id)``: for each row of ``table``
    (its ``key`` as start_id), the person id its ``person_id`` lives under now, following
    chains of recorded merges (``merges``: the history's person_id_merges)."""
    return f"""chain(start_id, cur_id, depth) AS (
                SELECT {key}, person_id, 0 FROM {table}
                UNION ALL
                SELECT c.start_id, m.into_person_id, c.depth + 1
                FROM chain c JOIN {merges} m ON m.old_person_id = c.cur_id
                WHERE c.depth < 1000
            ),
            resolved AS (SELECT start_id, arg_max(cur_id, depth) AS person_id FROM chain GROUP BY start_id)"""


def resolve_person_ids(history_path: Path, person_ids: Iterable[str]) -> dict[str, str]:
    """Where each of ``person_ids`` lives now: itself, or the id it was merged into
    (following chains of merges). For cases and decisions that hold an older id."""
    wanted = sorted(set(person_ids))
    if not wanted or not Path(history_path).exists():
        return {p: p for p in wanted}
    con = duckdb.connect(str(history_path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "person_id_merges" not in tables:
            return {p: p for p in wanted}
        con.register("__wanted", pa.table({"person_id": wanted}))
        rows = con.execute(
            f"WITH RECURSIVE {resolved_cte('__wanted', 'person_id')} SELECT start_id, person_id FROM resolved"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def split_homes(
    history_path: Path, run_id: str, cases: Iterable[tuple[str, str, str]]
) -> dict[str, dict[str, int]]:
    """Where the records of split persons went, for the case ledger (issue 10).

    ``cases``: ``(case_id, person_id the case was opened about, run it was opened in)``.
    For each case whose person — followed through the recorded merges — was split in
    ``run_id`` (``person_id_splits``), returns ``{person_id in run_id: number of the
    records}`` over the records (fingerprints) the person had when the case was opened.
    Cases whose person was not split are left out."""
    wanted = [(c, p, r) for c, p, r in cases if c and p and r]
    if not wanted or not Path(history_path).exists():
        return {}
    con = duckdb.connect(str(history_path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"person_id_splits", "person_id_history", "person_id_merges"} <= tables:
            return {}
        con.register(
            "__cases",
            pa.table({"case_id": [c for c, _, _ in wanted], "person_id": [p for _, p, _ in wanted],
                      "opened_run": [r for _, _, r in wanted]}),
        )
        rows = con.execute(
            f"""
            WITH RECURSIVE {resolved_cte('__cases', 'case_id')},
            split_cases AS (
                SELECT r.start_id AS case_id FROM resolved r
                SEMI JOIN (SELECT from_person_id FROM person_id_splits WHERE run_id = $run) s
                    ON s.from_person_id = r.person_id
            ),
            opened AS (
                SELECT c.case_id, h.fingerprint
                FROM __cases c SEMI JOIN split_cases USING (case_id)
                JOIN person_id_history h ON h.person_id = c.person_id AND h.run_id = c.opened_run
            )
            SELECT o.case_id, now.person_id, count(*) AS n
            FROM opened o JOIN person_id_history now ON now.fingerprint = o.fingerprint AND now.run_id = $run
            GROUP BY ALL ORDER BY ALL
            """,
            {"run": run_id},
        ).fetchall()
    finally:
        con.close()
    homes: dict[str, dict[str, int]] = {}
    for case_id, person_id, n in rows:
        homes.setdefault(case_id, {})[person_id] = int(n)
    return homes
