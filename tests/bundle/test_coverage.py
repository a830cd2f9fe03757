"""A bundle's coverage: the counties of its divisions file (issue 19, a run's scope)."""

from __future__ import annotations

import duckdb

from notoneless.bundle.coverage import covered_counties


def _divisions(*codes: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE divisions (code VARCHAR, name VARCHAR, level VARCHAR, parent_code VARCHAR)")
    con.executemany("INSERT INTO divisions VALUES (?, '', '', NULL)", [(c,) for c in codes])
    return con


def test_counties_come_from_county_town_and_village_rows() -> None:
    con = _divisions("43", "4312", "431202", "431221101", "431224101202")
    assert covered_counties(con) == {"431202", "431221", "431224"}


def test_no_county_at_all_means_no_coverage() -> None:
    assert covered_counties(_divisions("43", "4312")) is None
