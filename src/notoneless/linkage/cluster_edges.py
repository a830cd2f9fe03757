"""Clustering's edges: officers' decisions loaded as record-key pairs and the edge
table built from them and the scored pairs (step 1 of clustering.py). ``DECIDED_TABLE``
holds the known decision pairs (``must_link`` true or false); ``EDGES_TABLE`` holds the
links at or above the threshold, cannot-links removed, must-links added with a NULL
weight (uncuttable). Both are temporary tables that clustering.py drops, or keeps
for the next clustering of the same link to compare with (``LinkClustering``).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

EDGES_TABLE = "__nol_cluster_edges"
DECIDED_TABLE = "__nol_decided_pairs"


def load_decisions(
    con: duckdb.DuckDBPyConnection,
    must_link: Iterable[tuple[str, str]],
    cannot_link: Iterable[tuple[str, str]],
) -> list[tuple[str, str]]:
    """``DECIDED_TABLE(record_key_l, record_key_r, must_link)`` with l < r, known records
    only; returns the pairs naming unknown records."""
    # A pair may be both (contradicting decisions): the must-link wins and
    # guard.py reports DECISION_CONFLICT.
    rows = sorted(
        {(min(a, b), max(a, b), flag) for flag, pairs in ((False, cannot_link), (True, must_link)) for a, b in pairs if a != b}
    )
    table = pa.table(
        {
            "record_key_l": pa.array([r[0] for r in rows], pa.string()),
            "record_key_r": pa.array([r[1] for r in rows], pa.string()),
            "must_link": pa.array([r[2] for r in rows], pa.bool_()),
        }
    )
    con.register("__nol_decisions_in", table)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {DECIDED_TABLE} AS
            SELECT d.* FROM __nol_decisions_in d
            WHERE d.record_key_l IN (SELECT record_key FROM person_records)
              AND d.record_key_r IN (SELECT record_key FROM person_records)
            """
        )
        unknown = con.execute(
            f"""
            SELECT DISTINCT record_key_l, record_key_r FROM __nol_decisions_in
            EXCEPT SELECT record_key_l, record_key_r FROM {DECIDED_TABLE}
            ORDER BY 1, 2
            """
        ).fetchall()
    finally:
        con.unregister("__nol_decisions_in")
    return [(a, b) for a, b in unknown]


def build_edges(con: duckdb.DuckDBPyConnection, threshold: float) -> None:
    """``EDGES_TABLE``: links above the threshold, officers' cannot-links removed,
    must-links added (weight NULL = uncuttable), both ends in person_records."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {EDGES_TABLE} AS
        WITH scored AS (
            SELECT least(record_key_l, record_key_r) AS record_key_l,
                   greatest(record_key_l, record_key_r) AS record_key_r,
                   match_weight, match_probability, false AS must_link
            FROM predictions
            WHERE match_probability >= $threshold AND record_key_l <> record_key_r
        ),
        kept AS (
            SELECT s.* FROM scored s
            ANTI JOIN {DECIDED_TABLE} d
              ON d.record_key_l = s.record_key_l AND d.record_key_r = s.record_key_r
        ),
        linked AS (
            SELECT * FROM kept
            WHERE record_key_l IN (SELECT record_key FROM person_records)
              AND record_key_r IN (SELECT record_key FROM person_records)
            UNION ALL
            SELECT record_key_l, record_key_r, NULL, 1.0, true FROM {DECIDED_TABLE} WHERE must_link
        )
        SELECT record_key_l, record_key_r,
               max(match_weight) AS match_weight,
               max(match_probability) AS match_probability,
               bool_or(must_link) AS must_link
        FROM linked GROUP BY record_key_l, record_key_r
        """,
        {"threshold": threshold},
    )
