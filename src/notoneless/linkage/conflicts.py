"""Identity conflicts (身份冲突) found after clustering: the ``identity_conflicts``
table, its codes found here (``NEAR_THRESHOLD``, ``SAME_ID_DIFFERENT_NAMES``; the
guard's own codes come from guard.py), and the steps that fill it — the guard's
conflicts inserted, near-threshold pairs, one ID number under clearly different names,
then missing scores filled in and one row kept per pair and code.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from notoneless.linkage.cluster_edges import DECIDED_TABLE
from notoneless.linkage.components import CLUSTERS_TABLE
from notoneless.linkage.guard import GuardConflict

NEAR_THRESHOLD = "NEAR_THRESHOLD"
SAME_ID_DIFFERENT_NAMES = "SAME_ID_DIFFERENT_NAMES"

# Two names on one ID number are "clearly different" below this Jaro-Winkler
# similarity of their pinyin (in both name orders): 张伟/章伟 (same pinyin) and
# 王芳/王芳芳 stay quiet, 王芳/李强 is reported.
NAME_CLEARLY_DIFFERENT = 0.8

CONFLICTS_TABLE = "identity_conflicts"


def create_conflicts_table(con: duckdb.DuckDBPyConnection, name: str = CONFLICTS_TABLE, *, temporary: bool = False) -> None:
    kind = "TEMP TABLE" if temporary else "TABLE"
    con.execute(
        f"""
        CREATE OR REPLACE {kind} {name} (
            record_key_l VARCHAR, record_key_r VARCHAR, match_weight DOUBLE,
            match_probability DOUBLE, code VARCHAR, reason VARCHAR)
        """
    )


def insert_conflicts(con: duckdb.DuckDBPyConnection, rows: list[GuardConflict]) -> None:
    table = pa.table(
        {
            "record_key_l": pa.array([c.record_key_l for c in rows], pa.string()),
            "record_key_r": pa.array([c.record_key_r for c in rows], pa.string()),
            "match_weight": pa.array([c.match_weight for c in rows], pa.float64()),
            "match_probability": pa.array([c.match_probability for c in rows], pa.float64()),
            "code": pa.array([c.code for c in rows], pa.string()),
            "reason": pa.array([c.reason for c in rows], pa.string()),
        }
    )
    con.register("__nol_conflicts_in", table)
    try:
        con.execute(f"INSERT INTO {CONFLICTS_TABLE} SELECT * FROM __nol_conflicts_in")
    finally:
        con.unregister("__nol_conflicts_in")


def near_threshold(con: duckdb.DuckDBPyConnection, threshold: float, lo: float, hi: float) -> None:
    """Pairs in [lo, hi) whose outcome hangs on them: linked by a weak edge (above the
    threshold), or scored just below it and left in different clusters. Decided pairs
    and edges the guard cut (reported already) are left out."""
    if hi <= lo:
        return
    con.execute(
        f"""
        INSERT INTO {CONFLICTS_TABLE}
        WITH band AS (
            SELECT least(record_key_l, record_key_r) AS l, greatest(record_key_l, record_key_r) AS r,
                   match_weight, match_probability
            FROM predictions
            WHERE match_probability >= $lo AND match_probability < $hi
              AND record_key_l <> record_key_r
        )
        SELECT b.l, b.r, b.match_weight, b.match_probability, '{NEAR_THRESHOLD}',
               CASE WHEN b.match_probability >= $t
                    THEN printf('系统判为同一人，但把握只有 %.1f%%，刚过合为一人所需的 %.0f%%，请核实是否同一人。',
                                b.match_probability * 100, $t * 100)
                    ELSE printf('系统判为不同人，但是同一人的把握有 %.1f%%，接近合为一人所需的 %.0f%%，请核实是否同一人。',
                                b.match_probability * 100, $t * 100)
               END
        FROM band b
        JOIN {CLUSTERS_TABLE} cl ON cl.record_key = b.l
        JOIN {CLUSTERS_TABLE} cr ON cr.record_key = b.r
        ANTI JOIN {DECIDED_TABLE} d ON d.record_key_l = b.l AND d.record_key_r = b.r
        WHERE (b.match_probability >= $t AND cl.cluster_id = cr.cluster_id)
           OR (b.match_probability < $t AND cl.cluster_id <> cr.cluster_id)
        """,
        {"lo": lo, "hi": hi, "t": threshold},
    )


def same_id_different_names(con: duckdb.DuckDBPyConnection, into: str = CONFLICTS_TABLE) -> None:
    """One valid ID number on records whose names are clearly different: the first
    record (smallest key) of each name, paired within the number. Inserted into
    ``into`` (a table of ``CONFLICTS_TABLE``'s columns). It reads ``person_records``
    only, not the clusters: one link computes it once (clustering.LinkClustering)."""
    con.execute(
        f"""
        INSERT INTO {into}
        WITH names AS (
            SELECT id_norm, name_norm, min(record_key) AS record_key,
                   min(coalesce(name_pinyin, name_norm)) AS py,
                   min(coalesce(given_pinyin || surname_pinyin, name_pinyin, name_norm)) AS py_swapped
            FROM person_records
            WHERE id_valid AND id_norm IS NOT NULL AND name_norm IS NOT NULL AND name_norm <> ''
            GROUP BY id_norm, name_norm
        ),
        shared AS (SELECT id_norm FROM names GROUP BY id_norm HAVING count(*) > 1)
        SELECT least(a.record_key, b.record_key), greatest(a.record_key, b.record_key), NULL, NULL,
               '{SAME_ID_DIFFERENT_NAMES}',
               printf('同一身份证号 %s 对应明显不同的姓名（%s 与 %s），可能借用或错填了他人的证件号，请核实。',
                      a.id_norm, a.name_norm, b.name_norm)
        FROM names a
        JOIN names b ON a.id_norm = b.id_norm AND a.name_norm < b.name_norm
        WHERE a.id_norm IN (SELECT id_norm FROM shared)
          AND jaro_winkler_similarity(a.py, b.py) < $limit
          AND jaro_winkler_similarity(a.py_swapped, b.py) < $limit
          AND jaro_winkler_similarity(a.py, b.py_swapped) < $limit
        """,
        {"limit": NAME_CLEARLY_DIFFERENT},
    )


def fill_weights_and_dedupe(con: duckdb.DuckDBPyConnection) -> None:
    """Conflicts found without a score take the pair's score where the model made
    one; one row per (pair, code)."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CONFLICTS_TABLE} AS
        WITH unscored AS (
            SELECT DISTINCT record_key_l AS l, record_key_r AS r
            FROM {CONFLICTS_TABLE} WHERE match_weight IS NULL
        ),
        both_ways AS (  -- two equi-joins: an OR condition would be a nested loop
            SELECT u.l, u.r, p.match_weight, p.match_probability
            FROM unscored u JOIN predictions p ON p.record_key_l = u.l AND p.record_key_r = u.r
            UNION ALL
            SELECT u.l, u.r, p.match_weight, p.match_probability
            FROM unscored u JOIN predictions p ON p.record_key_l = u.r AND p.record_key_r = u.l
        ),
        scored AS (
            SELECT l, r, max(match_weight) AS match_weight, max(match_probability) AS match_probability
            FROM both_ways GROUP BY l, r
        )
        SELECT c.record_key_l, c.record_key_r,
               coalesce(c.match_weight, s.match_weight) AS match_weight,
               coalesce(c.match_probability, s.match_probability) AS match_probability,
               c.code, min(c.reason) AS reason
        FROM {CONFLICTS_TABLE} c
        LEFT JOIN scored s ON s.l = c.record_key_l AND s.r = c.record_key_r
        GROUP BY ALL
        ORDER BY c.code, c.record_key_l, c.record_key_r
        """
    )
