"""Households as evidence (collective linkage, issue 22): a second pass over the pairs
Splink scored, using the first pass's persons to match households.

A 建档立卡 household (fupin 户编号) and a 户籍 household (hukou 户号), or any two
households of sources that carry a household key, that share most of their members
after the first pass are one family. Inside one family a record is compared with the
family's other members, not only with the one record its ID number points to.

Pass 1 is the ordinary run: Splink scores the blocked pairs, clustering.py makes
persons. Then, once (persons → households → persons):

1. **Households** are ``(source, household_key)``; a source without household numbers
   but with 户主姓名 (民政) has one household per head's name and village. Members are
   counted in first-pass persons (clusters). Two households are **matched** when they
   share at least two persons and at least half of the smaller one's persons; a
   **family** is a set of connected matched households.
2. **A relative's ID number.** Hand-typed village lists copy an ID number from the line
   above, so a child's record can carry a parent's valid number. To the model that
   number is the strongest evidence there is (same ID, and the same birth date and sex,
   which ingest reads from a valid number): the child's record joins the parent, and
   the child's own records are kept apart by the "two different valid numbers" veto.
   The family tells the two apart: when one valid number is on records with clearly
   different names (say A and B), and the family of a B record holds *another member
   named A* who does not carry that number, the number on the A records is a
   relative's. If both names have such a member, the name on fewer records with that
   number is the copy (a number is copied onto a record, not the reverse); a tie
   decides nothing. The number is then **no evidence** about who the A record is: its
   ID (and the birth date and sex ingest read from it) are treated as missing, which is
   the model's own null level (weight 0), not a constant chosen here.
3. **A family's households are one household** for the model: every record of a
   family gets the family's mark in ``carers``, which the model's household comparison
   ("户主/监护人同名", trained weight) and its sibling level (one household,
   given names that do not sound alike) read. Lists differ in who they call the head
   (a grandparent, the other parent, a homophone of the name), so the head's name
   alone often misses the family; the shared members do not.
4. **Who is who inside a family**: an extra comparison on every pair of two households
   of one family (``family_levels``): the other household holds another person with
   this record's name (its counterpart is someone else); 与户主关系 differs in
   generation (GB/T 4761 relations, after the two households' head offset, e.g. 孙子
   under a grandparent head and 子 under a parent head); or it agrees. Its weights are
   log2(m/u) estimated on the family's pairs labelled by the first pass
   (``family_weights``), not constants.
5. The changed pairs (the relative-ID records against all records, with the model's
   own blocking rules, Splink's ``predict_between``; every pair of one family, Splink's
   ``predict_within``) are scored again with the trained model, the relation weight is
   added, their rows of ``predictions`` replaced, and clustering runs again.

Nothing here reads the generator's truth; the rules need no source name, only a
household key or a head's name, a name, a relation where the source has one, and a
valid ID number. Measured effect: linkage_models/README.md.
"""

from __future__ import annotations

import math

import duckdb
import pyarrow as pa

from notoneless.linkage import model, name_frequency
from notoneless.linkage.guard import UnionFind

# Tables this pass writes (temporary, dropped at the end, except RELATIVE_IDS which
# explain and the guard read).
MEMBERS = "__nol_hh_members"
MATCHED = "__nol_hh_matched"
FAMILY_OF = "__nol_hh_family_of"
RELATIVE_IDS = "relative_ids"

# Two households are one family when they share at least this many first-pass persons
# (one shared person is the pair itself: no evidence about the rest of the family) ...
MIN_SHARED_PERSONS = 2
# ... and at least this share of the smaller household's persons ("most of").
MIN_SHARED_SHARE = 0.5


# 与户主关系 → the generation relative to the head (0 the head's, 1 children's, -1
# parents'), by the names and codes of GB/T 4761-2008 (家庭关系代码), the standard the
# registries' relation columns follow. A relation not listed has no generation.
_GENERATIONS: dict[int, tuple[str, ...]] = {
    0: ("户主", "本人", "配偶", "夫", "妻", "丈夫", "妻子", "兄弟姐妹", "兄", "嫂", "弟", "弟媳", "姐姐", "姐",
        "姐夫", "妹妹", "妹", "妹夫", "堂兄弟", "堂姐妹", "表兄弟", "表姐妹",
        "01", "02", "10", "11", "12", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "91", "92"),
    1: ("子", "女", "儿子", "女儿", "独生子", "长子", "次子", "三子", "四子", "五子", "养子", "继子", "养子或继子",
        "女婿", "其他儿子", "独生女", "长女", "次女", "二女", "三女", "四女", "五女", "养女", "继女", "养女或继女",
        "儿媳", "其他女儿", "侄子", "侄女", "外甥", "外甥女", "之子", "之女",
        "20", "21", "22", "23", "24", "25", "26", "27", "28", "29",
        "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "93", "94", "95", "96"),
    2: ("孙子", "孙女", "外孙子", "外孙女", "外孙", "孙媳妇", "孙女婿", "孙子、孙女或外孙子、外孙女",
        "40", "41", "42", "43", "44", "45", "46", "49"),
    3: ("曾孙子", "曾孙女", "曾孙", "47", "48"),
    -1: ("父母", "父亲", "母亲", "公公", "婆婆", "岳父", "岳母", "继父", "继母", "养父", "养母", "伯父", "伯母",
         "叔父", "婶母", "舅父", "舅母", "姨父", "姨母", "姑父", "姑母",
         "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "81", "82", "83", "84", "85", "86", "87",
         "88", "89", "90"),
    -2: ("祖父母", "祖父", "祖母", "外祖父", "外祖母", "60", "61", "62", "63", "64", "65", "69"),
    -3: ("曾祖父", "曾祖母", "66", "67", "68"),
}
_GENERATION_SQL = "SELECT * FROM (VALUES " + ", ".join(
    f"('{rel}', {gen})" for gen, rels in _GENERATIONS.items() for rel in rels
) + ") AS t(relation, generation)"


def _relations_sql(con: duckdb.DuckDBPyConnection) -> str:
    """``(record_key, relation)`` of every source whose own table has a 与户主关系 column
    (``relation``; hukou and fupin in the contract)."""
    columns: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall():
        columns.setdefault(table, set()).add(column)
    person_sources = {r[0] for r in con.execute("SELECT DISTINCT source FROM person_records").fetchall()}
    sources = sorted(t for t in person_sources if {"record_key", "relation"} <= columns.get(t, set()))
    if not sources:
        return "SELECT NULL::VARCHAR AS record_key, NULL::VARCHAR AS relation WHERE false"
    return " UNION ALL ".join(
        f"SELECT record_key, trim(relation) AS relation FROM {s}" for s in sources
    )


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """An empty ``RELATIVE_IDS`` and ``FAMILY_LEVELS_TABLE`` (a workspace's tables of the
    last run must not reach this run's first clustering, nor outlive a run that
    matched no household)."""
    con.execute(f"CREATE OR REPLACE TABLE {RELATIVE_IDS} (record_key VARCHAR, id_norm VARCHAR)")
    _create_family_levels_table(con)
    con.execute(f"CREATE OR REPLACE TABLE {FAMILY_PAIRS_TABLE} (record_key_l VARCHAR, record_key_r VARCHAR, level INTEGER)")


def match_households(con: duckdb.DuckDBPyConnection, clusters_table: str = "clusters") -> int:
    """Write ``MEMBERS(record_key, hh, cluster_id, name_pinyin, generation)``,
    ``MATCHED(hh_a, hh_b, shared)`` and ``FAMILY_OF(hh, other)`` (a household and each
    household of its family: itself and those matched to it). Returns the number of
    matched household pairs."""
    relations = _relations_sql(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {MEMBERS} AS
        WITH numbered AS (  -- sources that number their households
            SELECT DISTINCT source FROM {model.INPUT_TABLE} WHERE household_key IS NOT NULL
        ),
        h AS (
            SELECT i.record_key,
                CASE WHEN i.household_key IS NOT NULL THEN i.source || '|' || i.household_key
                     -- a list without household numbers (民政: 户主姓名 only): a household
                     -- is one head's name in one village
                     WHEN i.source NOT IN (SELECT source FROM numbered)
                          AND i.village_code IS NOT NULL AND nullif(p.head_name, '') IS NOT NULL
                     THEN i.source || '|~' || i.village_code || '|' || p.head_name
                END AS hh
            FROM {model.INPUT_TABLE} i JOIN person_records p USING (record_key)
        )
        SELECT i.record_key, h.hh, c.cluster_id, i.name_pinyin, g.generation
        FROM h
        JOIN {model.INPUT_TABLE} i USING (record_key)
        JOIN {clusters_table} c USING (record_key)
        LEFT JOIN ({relations}) r USING (record_key)
        LEFT JOIN ({_GENERATION_SQL}) g ON g.relation = r.relation
        WHERE h.hh IS NOT NULL
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
        CREATE OR REPLACE TEMP TABLE {FAMILY_OF} AS
        SELECT DISTINCT hh, hh AS other FROM {MEMBERS}
        UNION SELECT hh_a, hh_b FROM {MATCHED}
        UNION SELECT hh_b, hh_a FROM {MATCHED}
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
            SELECT record_key, id_norm, name_pinyin, given_pinyin, name_bag
            FROM {model.INPUT_TABLE}
            WHERE id_valid AND id_norm IS NOT NULL AND name_pinyin IS NOT NULL
        ),
        -- one valid number on records with clearly different names: not the same
        -- sound, not the same characters in another order, and given names that do not
        -- sound alike or names not near in spelling (the name comparison's sibling and
        -- "different" levels: 向悦怡 and 向依 are near in spelling, but two members of
        -- one family)
        differ AS (
            SELECT x.record_key AS x, x.id_norm, x.name_pinyin AS x_name, x.name_bag AS x_bag,
                   y.record_key AS y, y.name_pinyin AS y_name
            FROM ids x JOIN ids y ON x.id_norm = y.id_norm AND x.record_key <> y.record_key
            WHERE x.name_pinyin <> y.name_pinyin AND x.name_bag <> y.name_bag
              AND (x.given_pinyin <> y.given_pinyin
                   OR jaro_winkler_similarity(x.name_pinyin, y.name_pinyin) < 0.9)
        ),
        -- the family of a y record holds another member named as x who does not
        -- carry the number: x's name is that member's, the number is y's
        evidence AS (
            SELECT DISTINCT d.id_norm, d.x_name AS copied_name
            FROM differ d
            JOIN {MEMBERS} my ON my.record_key = d.y
            JOIN {FAMILY_OF} f ON f.hh = my.hh
            JOIN {MEMBERS} zm ON zm.hh = f.other AND zm.record_key <> d.y
            JOIN {model.INPUT_TABLE} z ON z.record_key = zm.record_key
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
            birth_any = NULL, birth_str = NULL, name_cohort = NULL,
            sex = CASE WHEN NOT list_contains(coalesce(p.warnings, []), 'sex_mismatch') THEN i.sex
                       WHEN i.sex = 'M' THEN 'F' WHEN i.sex = 'F' THEN 'M' END
        FROM {RELATIVE_IDS} r JOIN person_records p USING (record_key)
        WHERE i.record_key = r.record_key
        """
    )


FAMILY_MARK = "家庭#"  # prefix of the family mark in ``carers`` (not a name: names have no '#')


def mark_families(con: duckdb.DuckDBPyConnection) -> int:
    """Give every record of a matched household (``MATCHED``) the mark of its family
    (the connected households; the mark is the smallest household key): in
    ``linkage_input.family_key``, and in ``carers``, where the model's own household
    comparison ("户主/监护人同名") and sibling level (same surname, given names that do not
    sound alike, one household) read it. So two households that share most of their
    members count as one household, with the trained weights of that level. Returns
    the number of records marked."""
    pairs = con.execute(f"SELECT hh_a, hh_b FROM {MATCHED} ORDER BY 1, 2").fetchall()
    families_of = UnionFind()  # the smallest household key of a family is its mark (deterministic)
    for a, b in pairs:
        families_of.union(a, b)
    if not families_of.parent:
        return 0
    households = list(families_of.parent)
    families = pa.table({"hh": households, "family": [families_of.find(h) for h in households]})
    con.register("__nol_hh_families", families)
    try:
        (n,) = con.execute(
            f"""
            UPDATE {model.INPUT_TABLE} AS i SET
                family_key = f.family,
                carers = list_append(i.carers, '{FAMILY_MARK}' || f.family)
            FROM {MEMBERS} m JOIN __nol_hh_families f USING (hh)
            WHERE i.record_key = m.record_key
            """
        ).fetchall()[0]
    finally:
        con.unregister("__nol_hh_families")
    return int(n)


def rescore(con: duckdb.DuckDBPyConnection, model_spec: dict, predictions: str) -> int:
    """Score again, with the trained model on the changed ``linkage_input``: the
    ``RELATIVE_IDS`` records against all records (the model's own blocking rules,
    Splink's ``predict_between``), and every pair of records of one family (Splink's
    ``predict_within`` blocked on ``family_key``). Their rows of ``predictions`` are
    replaced. Returns the number of pairs scored."""
    from splink import block_on

    from notoneless.linkage.scoring import make_linker

    spec = dict(model_spec)
    spec["retain_intermediate_calculation_columns"] = False
    spec["retain_matching_columns"] = False
    relid_input, family_input = "__nol_relid_input", "__nol_family_input"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {relid_input} AS
        SELECT i.* FROM {model.INPUT_TABLE} i SEMI JOIN {RELATIVE_IDS} r USING (record_key)
        """
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {family_input} AS SELECT * FROM {model.INPUT_TABLE} WHERE family_key IS NOT NULL"
    )
    (n_relid,) = con.execute(f"SELECT count(*) FROM {relid_input}").fetchall()[0]
    (n_family,) = con.execute(f"SELECT count(*) FROM {family_input}").fetchall()[0]
    if not n_relid and not n_family:
        return 0
    linker = make_linker(con, spec, validate=False)
    scored = []
    try:
        name_frequency.register(linker, con)
        db_api = linker._db_api
        if n_relid:
            scored.append(linker.inference.predict_between(
                db_api.register(relid_input), db_api.register(model.INPUT_TABLE),
                threshold_match_weight=model.KEEP_WEIGHT, warning_mode="never",
            ))
        if n_family:
            scored.append(linker.inference.predict_within(
                db_api.register(family_input), blocking_rules_to_generate_predictions=[block_on("family_key")],
                threshold_match_weight=model.KEEP_WEIGHT, warning_mode="never",
            ))
        con.execute(
            f"""
            DELETE FROM {predictions} p
            WHERE p.record_key_l IN (SELECT record_key FROM {RELATIVE_IDS})
               OR p.record_key_r IN (SELECT record_key FROM {RELATIVE_IDS})
               OR EXISTS (
                   SELECT 1 FROM {family_input} l JOIN {family_input} r ON l.family_key = r.family_key
                   WHERE l.record_key = p.record_key_l AND r.record_key = p.record_key_r)
            """
        )
        union = " UNION ".join(
            f"""SELECT least(record_key_l, record_key_r) AS l, greatest(record_key_l, record_key_r) AS r,
                       match_weight, match_probability
                FROM {t.physical_name} WHERE record_key_l <> record_key_r"""
            for t in scored
        )
        con.execute(f"INSERT INTO {predictions} SELECT l, r, max(match_weight), max(match_probability) FROM ({union}) GROUP BY ALL")
        (n,) = con.execute(f"SELECT count(*) FROM ({union})").fetchall()[0]
        for t in scored:
            t.drop_table_from_database_and_remove_from_cache()
        linker.table_management.delete_tables_created_by_splink_from_db()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {relid_input}")
        con.execute(f"DROP TABLE IF EXISTS {family_input}")
    return int(n)


# The relation comparison inside one family (the first level that holds wins; no
# level: the relations say nothing, e.g. one is unknown).
FAMILY_LEVELS = {
    1: "同一家庭，对方户内另有与本人同名的成员",
    2: "同一家庭，与户主关系的辈分不一致",
    3: "同一家庭，与户主关系的辈分一致",
}
FAMILY_LEVELS_TABLE = "family_levels"
FAMILY_PAIRS_TABLE = "family_pairs"  # the scored pairs the pass moved: record_key_l < record_key_r, level
PAIR_LEVELS = "__nol_hh_pair_levels"


def family_levels(con: duckdb.DuckDBPyConnection) -> int:
    """``PAIR_LEVELS(record_key_l, record_key_r, level, same_person)``: every pair of
    records of two households that share a first-pass person, whose household numbers
    and head names differ, with its family level (NULL: the households are not one
    family) and whether the first pass made the two one person. Needs
    ``match_households`` (its ``MEMBERS``). Returns the number of pairs with a level.

    The pair's own person(s) never count as shared: the evidence is the rest of the
    family. Two households are one family when, besides the pair's own persons, they
    share at least one person and at least half of the smaller household's other
    persons. The generation offset of the two households (their heads may differ: a
    grandparent is head in one list, a parent in the other) is the most common
    difference of generation among the shared persons; the pair's relations agree when
    their difference is that offset."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {PAIR_LEVELS} AS
        WITH per_cluster AS (  -- a person in two households, and their generation difference
            SELECT a.hh AS hh_a, b.hh AS hh_b, a.cluster_id,
                   min(a.generation) - min(b.generation) AS d
            FROM {MEMBERS} a JOIN {MEMBERS} b ON a.cluster_id = b.cluster_id AND a.hh < b.hh
            GROUP BY ALL
        ),
        hh_pairs AS (
            SELECT hh_a, hh_b, list({{'c': cluster_id, 'd': d}}) AS shared FROM per_cluster GROUP BY ALL
        ),
        sizes AS (SELECT hh, count(DISTINCT cluster_id) AS n FROM {MEMBERS} GROUP BY hh),
        named AS (  -- the persons bearing a name in a household
            SELECT hh, name_pinyin, list(DISTINCT cluster_id) AS clusters FROM {MEMBERS}
            WHERE name_pinyin IS NOT NULL GROUP BY ALL
        ),
        pairs AS (
            SELECT h.hh_a, h.hh_b, h.shared, a AS a, b AS b
            FROM hh_pairs h
            JOIN {MEMBERS} a ON a.hh = h.hh_a
            JOIN {MEMBERS} b ON b.hh = h.hh_b
        ),
        evidence AS (
            SELECT q.a, q.b,
                   list_filter(q.shared, lambda s: s.c <> q.a.cluster_id AND s.c <> q.b.cluster_id) AS others,
                   sa.n - (CASE WHEN q.a.cluster_id = q.b.cluster_id THEN 1 ELSE 0 END) AS n_a,
                   sb.n - (CASE WHEN q.a.cluster_id = q.b.cluster_id THEN 1 ELSE 0 END) AS n_b,
                   -- another person of b's household bears a's name, or of a's household b's
                   coalesce(q.a.name_pinyin <> q.b.name_pinyin AND (
                       len(list_filter(coalesce(nb.clusters, []), lambda c: c <> q.b.cluster_id)) > 0
                       OR len(list_filter(coalesce(na.clusters, []), lambda c: c <> q.a.cluster_id)) > 0
                   ), false) AS namesake
            FROM pairs q
            JOIN sizes sa ON sa.hh = q.hh_a JOIN sizes sb ON sb.hh = q.hh_b
            LEFT JOIN named nb ON nb.hh = q.hh_b AND nb.name_pinyin = q.a.name_pinyin
            LEFT JOIN named na ON na.hh = q.hh_a AND na.name_pinyin = q.b.name_pinyin
        ),
        graded AS (
            SELECT *, len(others) AS shared_n,
                   list_aggr(list_filter(list_transform(others, lambda s: s.d), lambda d: d IS NOT NULL), 'mode')
                       AS offset_d
            FROM evidence
        )
        SELECT least(a.record_key, b.record_key) AS record_key_l, greatest(a.record_key, b.record_key) AS record_key_r,
            CASE WHEN shared_n >= 1 AND 2 * shared_n >= least(n_a, n_b) - 1 THEN
                CASE WHEN namesake THEN 1
                     WHEN a.generation IS NULL OR b.generation IS NULL OR offset_d IS NULL THEN NULL
                     WHEN a.generation - b.generation = offset_d THEN 3
                     ELSE 2 END
            END AS level,
            a.cluster_id = b.cluster_id AS same_person
        FROM graded
        """
    )
    (n,) = con.execute(f"SELECT count(*) FROM {PAIR_LEVELS} WHERE level IS NOT NULL").fetchall()[0]
    return int(n)


def _create_family_levels_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE OR REPLACE TABLE {FAMILY_LEVELS_TABLE} (level INTEGER, label VARCHAR, pairs_same_person BIGINT,
            pairs_other BIGINT, m_probability DOUBLE, u_probability DOUBLE, match_weight DOUBLE)"""
    )


def family_weights(con: duckdb.DuckDBPyConnection) -> dict[int, float]:
    """The weight of each relation level, log2(m / u) as Splink defines it, estimated
    on the data: m is the level's share among the pairs of one family that the first
    pass made one person, u its share among the family's other pairs (both counted
    over every pair of two households of one family, so no sampling). The
    population is the family's pairs because the household comparison (the family
    mark in ``carers``) has already counted "same family": this comparison says, given
    one family, which member is which. One pseudo-count per level keeps an unseen
    level finite; weights are bounded like the model's (training.WEIGHT_BOUND).
    Written, with the counts, to ``FAMILY_LEVELS_TABLE``."""
    from notoneless.linkage.training import WEIGHT_BOUND

    _create_family_levels_table(con)
    counts = {
        int(level): (int(m), int(u))
        for level, m, u in con.execute(
            f"""
            SELECT level, count(*) FILTER (WHERE same_person), count(*) FILTER (WHERE NOT same_person)
            FROM {PAIR_LEVELS} WHERE level IS NOT NULL GROUP BY level
            """
        ).fetchall()
    }
    n_m = sum(m for m, _ in counts.values())
    n_u = sum(u for _, u in counts.values())
    if n_m == 0 or n_u == 0:
        return {}
    k = len(FAMILY_LEVELS)
    weights: dict[int, float] = {}
    rows = []
    for level, label in FAMILY_LEVELS.items():
        m_n, u_n = counts.get(level, (0, 0))
        m = (m_n + 1) / (n_m + k)
        u = (u_n + 1) / (n_u + k)
        w = max(-WEIGHT_BOUND, min(WEIGHT_BOUND, math.log2(m / u)))
        weights[level] = w
        rows.append((level, label, m_n, u_n, m, u, w))
    con.executemany(f"INSERT INTO {FAMILY_LEVELS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return weights


def apply_family_weights(con: duckdb.DuckDBPyConnection, predictions: str, weights: dict[int, float]) -> int:
    """Move every scored pair that has a family level to it: add the level's
    adjustment to its match weight (and its probability with it). Returns the number
    of pairs changed."""
    if not weights:
        return 0
    values = ", ".join(f"({level}, {w!r})" for level, w in weights.items())
    (n,) = con.execute(
        f"""
        UPDATE {predictions} AS p SET
            match_weight = p.match_weight + w.w,
            match_probability = 1.0 / (1.0 + pow(2.0, -(p.match_weight + w.w)))
        FROM {PAIR_LEVELS} l JOIN (VALUES {values}) AS w(level, w) USING (level)
        WHERE least(p.record_key_l, p.record_key_r) = l.record_key_l
          AND greatest(p.record_key_l, p.record_key_r) = l.record_key_r
        """
    ).fetchall()[0]
    # the adjusted pairs and their level, for the explanation of a pair (linkage/explain.py)
    con.execute(
        f"""
        INSERT INTO {FAMILY_PAIRS_TABLE}
        SELECT l.record_key_l, l.record_key_r, l.level
        FROM {PAIR_LEVELS} l JOIN (VALUES {values}) AS w(level, w) USING (level)
        WHERE EXISTS (SELECT 1 FROM {predictions} p
                      WHERE least(p.record_key_l, p.record_key_r) = l.record_key_l
                        AND greatest(p.record_key_l, p.record_key_r) = l.record_key_r)
        """
    )
    return int(n)


def family_adjustment(con: duckdb.DuckDBPyConnection, key_a: str, key_b: str) -> tuple[str, float] | None:
    """The relation level (its label) and weight the household pass added to the pair
    (key_a, key_b), or None (no family level, or a workspace from before the pass)."""
    tables = {r[0] for r in con.execute(  # tables, or views of them (explain.open_workspace)
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name IN (?, ?)",
        [FAMILY_PAIRS_TABLE, FAMILY_LEVELS_TABLE]).fetchall()}
    if tables != {FAMILY_PAIRS_TABLE, FAMILY_LEVELS_TABLE}:
        return None
    row = con.execute(
        f"""SELECT f.label, f.match_weight FROM {FAMILY_PAIRS_TABLE} p JOIN {FAMILY_LEVELS_TABLE} f USING (level)
            WHERE p.record_key_l = least(?::VARCHAR, ?::VARCHAR) AND p.record_key_r = greatest(?::VARCHAR, ?::VARCHAR)""",
        [key_a, key_b, key_a, key_b]).fetchone()
    return (str(row[0]), float(row[1])) if row else None


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table in (MEMBERS, MATCHED, FAMILY_OF, PAIR_LEVELS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
