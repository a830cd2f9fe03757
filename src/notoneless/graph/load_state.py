"""What the graph holds as of the last completed load, kept in the workspace
(``Settings.paths.graph_load``, ``graph_load.duckdb``; ``docs/workspace.md``).

Two tables, attached to the run's DuckDB connection as ``g_load_state`` while the load
runs (``graph.load.load_graph``):

- ``fingerprints (step, k, fp)``: per load step (the step's write query name), every
  item the graph holds — its key (the step's key columns joined by U+001F) and a
  fingerprint of everything the step writes for it: the node's or relationship's
  properties and where its links point (a record's person, division, school, household,
  relation …), as the sum of the rows' 64-bit DuckDB hashes; and for a step with
  ``links`` (``graph.load.Step``), under ``<query>#links``, one of where its links point;
- ``meta (token, service, run_id, saved_at)``: the token of that load, also written last
  into the graph's load marker (``(:GraphLoad {token})``, ``load/marker_set``), and the
  token of the officers' 三包 events that load merged (``ServiceEvents.token``).

The tables are updated (by the keys that differ; whole for a step written whole) only
after the load's last graph write (the marker) committed, in one DuckDB transaction; a
load that finds nothing to write touches neither the graph nor them. A load that stops
before its marker leaves the old tables and a graph without a marker, so the next load
compares nothing and loads in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb

SCHEMA = "g_load_state"  # the attached database's name on the run's connection


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


class LoadState:
    """The workspace's fingerprints of the graph, attached to ``con`` (``SCHEMA``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con, self.path = con, Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._attach()
        except duckdb.Error:  # an unreadable file: what it said cannot be trusted anyway
            self.path.unlink(missing_ok=True)
            self.path.with_name(self.path.name + ".wal").unlink(missing_ok=True)
            self._attach()

    def _attach(self) -> None:
        self.con.execute(f"ATTACH '{_sql_path(self.path)}' AS {SCHEMA}")
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.fingerprints (step VARCHAR, k VARCHAR, fp VARCHAR)")
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.meta "
                         "(token VARCHAR, service VARCHAR, run_id VARCHAR, saved_at TIMESTAMPTZ)")

    def meta(self) -> tuple[str | None, str | None]:
        """(the last completed load's token, its 三包 events' token), or (None, None)."""
        rows = self.con.execute(f"SELECT token, service FROM {SCHEMA}.meta").fetchall()
        return (rows[0][0], rows[0][1]) if len(rows) == 1 else (None, None)

    def old(self, step: str) -> str:
        """SQL: the (k, fp) the graph holds for ``step`` (a named write query)."""
        return f"(SELECT k, fp FROM {SCHEMA}.fingerprints WHERE step = '{step}')"

    def save(self, steps: Iterable[tuple[str, str, str | None]], *, token: str, service: str, run_id: str) -> None:
        """Record the load's fingerprints and token, in one transaction (call only once the
        graph's marker is written). ``steps``: (step, TEMP table of _k, _fp, TEMP table of
        the keys that differ (_k, change) or None when the step was written whole)."""
        con = self.con
        steps = list(steps)
        con.execute("BEGIN TRANSACTION")
        try:
            if all(diff is None for _step, _fp, diff in steps):
                con.execute(f"DELETE FROM {SCHEMA}.fingerprints")
            for step, fp, diff in steps:
                if diff is None:
                    con.execute(f"DELETE FROM {SCHEMA}.fingerprints WHERE step = ?", [step])
                    con.execute(f"INSERT INTO {SCHEMA}.fingerprints SELECT ?, _k, _fp FROM {fp}", [step])
                    continue
                # only what differs: the work scales with the change
                con.execute(f"DELETE FROM {SCHEMA}.fingerprints WHERE step = ? AND k IN (SELECT _k FROM {diff})",
                            [step])
                con.execute(f"INSERT INTO {SCHEMA}.fingerprints SELECT ?, _k, _fp FROM {fp} "
                            f"WHERE _k IN (SELECT _k FROM {diff} WHERE change <> 'removed')", [step])
            con.execute(f"DELETE FROM {SCHEMA}.meta")
            con.execute(f"INSERT INTO {SCHEMA}.meta VALUES (?, ?, ?, ?)",
                        [token, service, run_id, dt.datetime.now(dt.UTC)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.con.execute(f"DETACH {SCHEMA}")


def forget(path: Path) -> bool:
    """Delete the workspace's fingerprints (``restore`` rebuilt the graph: the next load is
    full). True when there were some."""
    path = Path(path)
    existed = path.exists()
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return existed
