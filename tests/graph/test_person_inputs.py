"""The persons' inputs (graph/load.py PERSON_INPUTS_SQL, PERSONS_SHARED_SQL): an incremental
load computes the rows of only the persons whose inputs changed, so every value a person's
row is made of must change their inputs' fingerprint, or the shared one. Checked column by
column: each column of the tables a person's row may read is changed on every row in turn."""

from __future__ import annotations

import duckdb
import handbuilt_scenario as sc
import pytest
from handbuilt_workspace import build_workspace

from notoneless.graph.load import (
    PERSON_INPUTS_SQL,
    PERSONS_SHARED_SQL,
    PERSONS_SQL,
    RECORDS_SQL,
    persons_among,
    records_among,
)

TABLES = ("person_records", "hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu", "schools", "manifest")


def _workspace() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_workspace(con, divisions=sc.DIVISIONS, schools=sc.SCHOOLS, records=sc.records(),
                    contacts=sc.CONTACTS, visits=sc.VISITS)
    return con


def _state(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict, str]:
    rows = {r[0]: r for r in con.execute(f"SELECT person_id, * FROM ({PERSONS_SQL})").fetchall()}
    inputs = dict(con.execute(PERSON_INPUTS_SQL).fetchall())
    return rows, inputs, con.execute(PERSONS_SHARED_SQL).fetchone()[1]


def _changed_value(column_type: str) -> str:
    if column_type == "BOOLEAN":
        return "NOT coalesce({c}, false)"
    if column_type == "DATE":
        return "coalesce({c}, DATE '2010-01-01') + 1"
    if column_type.endswith("[]"):
        return "list_append(coalesce({c}, []), 'x')"
    if column_type.startswith(("INTEGER", "BIGINT", "DECIMAL", "DOUBLE")):
        return "coalesce({c}, 0) + 1"
    return "coalesce({c}, '') || '1'"


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return [(t, c, ty) for t in TABLES for c, ty in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [t]).fetchall()
        if c != "record_key"]


@pytest.mark.parametrize("table,column,column_type", _columns(_workspace()))
def test_every_value_of_a_persons_row_is_in_their_inputs(table: str, column: str, column_type: str) -> None:
    con = _workspace()
    rows, inputs, shared = _state(con)
    con.execute(f"UPDATE {table} SET {column} = {_changed_value(column_type).format(c=column)}")  # on every row
    rows2, inputs2, shared2 = _state(con)
    changed = {p for p in rows.keys() | rows2.keys() if rows.get(p) != rows2.get(p)}
    if shared2 == shared:  # else every person's row is computed again anyway
        assert {p for p in changed if inputs.get(p) == inputs2.get(p)} == set()


def test_the_rows_of_some_persons_are_theirs_in_the_rows_of_everyone() -> None:
    con = _workspace()
    everyone = {r[0]: r for r in con.execute(f"SELECT person_id, * FROM ({PERSONS_SQL})").fetchall()}
    some = sorted(everyone)[::3]
    con.execute("CREATE TEMP TABLE some_persons AS SELECT unnest(?) AS _k", [some])
    among = {r[0]: r for r in con.execute(f"SELECT person_id, * FROM ({persons_among('some_persons')})").fetchall()}
    assert among == {p: everyone[p] for p in some}


def test_the_rows_of_some_records_are_theirs_in_the_rows_of_every_record_in_order() -> None:
    """An incremental load computes a changed record's row again for its key alone
    (graph/load.py _RECOMPUTED): the same row, in the same order, as over every record."""
    con = _workspace()
    every = con.execute(RECORDS_SQL).fetchall()
    some = sorted(r[0] for r in every)[1::3]
    con.execute("CREATE TEMP TABLE some_records AS SELECT unnest(?) AS _k", [some])
    among = con.execute(records_among("SELECT _k FROM some_records")).fetchall()
    assert len(some) > 5 and among == [r for r in every if r[0] in set(some)]
