"""Households as evidence (collective linkage, issue 22): a second pass over the pairs
Splink scored, using the first pass's persons to match households.

A 建档立卡 household (fupin 户编号) and a 户籍 household (hukou 户号), or any two
households of sources that carry a household key, that share most of their members
after the first pass are one family. Inside one family a record is compared with the
family's other members, not only with the one record its ID number points to.

Pass 1 is the ordinary run: Splink scores the blocked pairs, clustering.py makes
persons. Then, once (persons → households → persons):

1. **Households** are ``(source, household_key)``; their members are counted in
   first-pass persons (clusters). Two households are **matched** when they share at
   least two persons and at least half of the smaller one's persons. A household's
   **family** is itself and the households matched to it.
2. **A relative's ID number.** Hand-typed village lists copy an ID number from the line
   above, so a child's record can carry a parent's valid number. To the model that
   number is the strongest evidence there is (same ID, and on a list without a birth
   date column the same birth date, since the date is read from the number): the
   child's record joins the parent, and the child's own records are kept apart by the
   "two different valid numbers" veto. The family tells the two apart: when one valid
   number is on records with clearly different names (say A and B), and the family of
   a B record holds *another member named A* who does not carry that number, the
   number on the A records is a relative's. If both names have such a member, the name
   on fewer records with that number is the copy (an ID is copied onto a record, not the
   reverse); a tie decides nothing. The number is then **no evidence** about who the A
   record is: its ID (and the birth date and sex ingest read from it) are treated as
   missing, which is the model's own null level (weight 0), not a constant chosen here.
3. Those records' pairs are scored again with the trained model and its own blocking
   rules (Splink's ``predict_between``: the changed records against all records), the
   rows of ``predictions`` that involve them replaced, and clustering run again.

Nothing here reads the generator's truth; the rule needs no source name, only a
household key, a name and a valid ID number. Measured effect: linkage_models/README.md.
"""

from __future__ import annotations

import duckdb

from notoneless.linkage import model

# Tables this pass writes (temporary, dropped at the end, except RELATIVE_IDS which
# explain and the guard read).
MEMBERS = "__nol_hh_members"
MATCHED = "__nol_hh_matched"
KIN = "__nol_hh_kin"
RELATIVE_IDS = "relative_ids"

# Two households are one family when they share at least this many first-pass persons
# (one shared person is the pair itself: no evidence about the rest of the family) ...
MIN_SHARED_PERSONS = 2
# ... and at least this share of the smaller household's persons ("most of").
MIN_SHARED_SHARE = 0.5


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """An empty ``RELATIVE_IDS`` (a workspace's table of the last run must not reach
    this run's first clustering)."""
    con.execute(f"CREATE OR REPLACE TABLE {RELATIVE_IDS} (record_key VARCHAR, id_norm VARCHAR)")


def match_households(con: duckdb.DuckDBPyConnection, clusters_table: str = "clusters") -> int:
    """Write ``MEMBERS(record_key, hh, cluster_id)``, ``MATCHED(hh_a, hh_b, shared)`` and
    ``KIN(record_key, kin_key)`` (every other record of the record's household family).
    Returns the number of matched household pairs."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {MEMBERS} AS
        SELECT i.record_key, i.source || '|' || i.household_key AS hh, c.cluster_id
        FROM {model.INPUT_TABLE} i JOIN {clusters_table} c USING (record_key)
        WHERE i.household_key IS NOT NULL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {MATCHED} AS
        WITH sizes AS (SELECT hh, count(DISTINCT cluster_id) AS n FROM {MEMBERS} GROUP BY hh),
        shared AS (
            SELECT a.hh AS hh_a, b.hh AS hh_b, count(DISTINCT a.cluster_id) AS shared
            FROM {MEMBERS} a JOIN {MEMBERS} b ON a.cluster_id = b.cluster_id AND a.hh < b.hh
            GROUP BY ALL
        )
        SELECT s.* FROM shared s
        JOIN sizes sa ON sa.hh = s.hh_a JOIN sizes sb ON sb.hh = s.hh_b
        WHERE s.shared >= {MIN_SHARED_PERSONS} AND s.shared >= {MIN_SHARED_SHARE} * least(sa.n, sb.n)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {KIN} AS
        WITH family AS (
            SELECT DISTINCT hh, hh AS other FROM {MEMBERS}
            UNION SELECT hh_a, hh_b FROM {MATCHED}
            UNION SELECT hh_b, hh_a FROM {MATCHED}
        )
        SELECT DISTINCT m.record_key, o.record_key AS kin_key
        FROM {MEMBERS} m JOIN family f ON f.hh = m.hh JOIN {MEMBERS} o ON o.hh = f.other
        WHERE o.record_key <> m.record_key
        """
    )
    (n,) = con.execute(f"SELECT count(*) FROM {MATCHED}").fetchall()[0]
    return int(n)


def find_relative_ids(con: duckdb.DuckDBPyConnection) -> int:
    """Write ``RELATIVE_IDS(record_key, id_norm)``: records whose valid ID number is a
    family member's (step 2 of the module docstring). Needs ``match_households`` first.
    Returns the number of records."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {RELATIVE_IDS} AS
        WITH ids AS (
            SELECT record_key, id_norm, name_pinyin, name_bag
            FROM {model.INPUT_TABLE}
            WHERE id_valid AND id_norm IS NOT NULL AND name_pinyin IS NOT NULL
        ),
        -- one valid number on records with clearly different names: not the same
        -- sound, not the same characters in another order, not a near spelling
        -- (the name comparison's "different" levels)
        differ AS (
            SELECT x.record_key AS x, x.id_norm, x.name_pinyin AS x_name, x.name_bag AS x_bag,
                   y.record_key AS y, y.name_pinyin AS y_name
            FROM ids x JOIN ids y ON x.id_norm = y.id_norm AND x.record_key <> y.record_key
            WHERE x.name_pinyin <> y.name_pinyin AND x.name_bag <> y.name_bag
              AND jaro_winkler_similarity(x.name_pinyin, y.name_pinyin) < 0.9
        ),
        -- the family of a y record holds another member named as x who does not
        -- carry the number: x's name is that member's, the number is y's
        evidence AS (
            SELECT DISTINCT d.id_norm, d.x_name AS copied_name
            FROM differ d
            JOIN {KIN} k ON k.record_key = d.y
            JOIN {model.INPUT_TABLE} z ON z.record_key = k.kin_key
            WHERE (z.name_pinyin = d.x_name OR z.name_bag = d.x_bag)
              AND z.id_norm IS DISTINCT FROM d.id_norm
        ),
        carriers AS (
            SELECT id_norm, name_pinyin, count(*) AS n FROM ids
            WHERE id_norm IN (SELECT id_norm FROM evidence) GROUP BY ALL
        ),
        -- where both names have such a member, the name on fewer records with the
        -- number is the copy; a tie decides nothing
        copied AS (
            SELECT e.id_norm, e.copied_name
            FROM evidence e JOIN carriers c ON c.id_norm = e.id_norm AND c.name_pinyin = e.copied_name
            WHERE NOT EXISTS (
                SELECT 1 FROM evidence o JOIN carriers co ON co.id_norm = o.id_norm AND co.name_pinyin = o.copied_name
                WHERE o.id_norm = e.id_norm AND o.copied_name <> e.copied_name AND co.n <= c.n
            )
        )
        SELECT i.record_key, i.id_norm
        FROM ids i JOIN copied c ON c.id_norm = i.id_norm AND c.copied_name = i.name_pinyin
        ORDER BY i.record_key
        """
    )
    (n,) = con.execute(f"SELECT count(*) FROM {RELATIVE_IDS}").fetchall()[0]
    return int(n)


def drop_evidence_of_relative_ids(con: duckdb.DuckDBPyConnection) -> None:
    """In ``linkage_input``, treat the ID number of every ``RELATIVE_IDS`` record as
    missing, with what ingest took from it: the birth date (ingest uses a valid number's
    birth segment, and a file without a birth date column has no other) and the sex
    (ingest uses the number's sex digit; where the file's own sex differed, ingest
    warned ``sex_mismatch``, so the file's is the other one)."""
    con.execute(
        f"""
        UPDATE {model.INPUT_TABLE} AS i SET
            id_norm = NULL, id_valid = false, id_keys = []::VARCHAR[],
            birth_any = NULL, birth_str = NULL,
            sex = CASE WHEN NOT list_contains(coalesce(p.warnings, []), 'sex_mismatch') THEN i.sex
                       WHEN i.sex = 'M' THEN 'F' WHEN i.sex = 'F' THEN 'M' END
        FROM {RELATIVE_IDS} r JOIN person_records p USING (record_key)
        WHERE i.record_key = r.record_key
        """
    )


def rescore_relative_ids(con: duckdb.DuckDBPyConnection, model_spec: dict, predictions: str) -> int:
    """Score the ``RELATIVE_IDS`` records again (their ID evidence dropped) against all
    records with the trained model and its blocking rules, and replace their rows of
    ``predictions``. Returns the number of pairs kept."""
    from notoneless.linkage.scoring import make_linker

    spec = dict(model_spec)
    spec["retain_intermediate_calculation_columns"] = False
    spec["retain_matching_columns"] = False
    left = "__nol_relid_input"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {left} AS
        SELECT i.* FROM {model.INPUT_TABLE} i SEMI JOIN {RELATIVE_IDS} r USING (record_key)
        """
    )
    linker = make_linker(con, spec, validate=False)
    try:
        linker.table_management.compute_tf_table("name_norm")
        db_api = linker._db_api
        sdf_left = db_api.register(left)
        sdf_all = db_api.register(model.INPUT_TABLE)
        scored = linker.inference.predict_between(
            sdf_left, sdf_all, threshold_match_weight=model.KEEP_WEIGHT, warning_mode="never"
        )
        con.execute(
            f"""
            DELETE FROM {predictions}
            WHERE record_key_l IN (SELECT record_key FROM {RELATIVE_IDS})
               OR record_key_r IN (SELECT record_key FROM {RELATIVE_IDS})
            """
        )
        # a pair of two such records comes back twice (each side once on the left)
        con.execute(
            f"""
            INSERT INTO {predictions}
            SELECT DISTINCT least(record_key_l, record_key_r), greatest(record_key_l, record_key_r),
                   match_weight, match_probability
            FROM {scored.physical_name} WHERE record_key_l <> record_key_r
            """
        )
        (n,) = con.execute(f"SELECT count(*) FROM {scored.physical_name}").fetchall()[0]
        scored.drop_table_from_database_and_remove_from_cache()
        linker.table_management.delete_tables_created_by_splink_from_db()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {left}")
    return int(n)


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in (MEMBERS, MATCHED, KIN):
        con.execute(f"DROP TABLE IF EXISTS {table}")
