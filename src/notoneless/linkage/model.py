"""The linkage model's shape: its input table, blocking rules and Splink settings.

Link type: ``dedupe_only`` over the one unified ``person_records`` table, with
``source`` kept as an ordinary column. Splink's ``link_and_dedupe`` over the six
sources would vertically concatenate them into exactly this table and compare
exactly the same pairs (within and across sources), so the two are the same model;
the unified table avoids a six-way concat, a composite (source, id) unique key and
per-source registration, and the record key (``<stem>:<row>``) is already unique
across sources. See linkage_models/README.md.
"""

from __future__ import annotations

import duckdb
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from notoneless.errors import LinkageError
from notoneless.linkage.comparisons import all_comparisons

INPUT_TABLE = "linkage_input"

# A pair at or above this probability is the same person (before the twin guard).
MATCH_THRESHOLD = 0.95
# Pairs in [lo, hi) are near the threshold and go to officers for review.
REVIEW_BAND = (0.5, MATCH_THRESHOLD)
# Predictions below this weight are not kept (they can never link nor need review).
KEEP_WEIGHT = -4.0

# The columns of person_records that linkage needs (contract: docs/workspace.md).
REQUIRED_COLUMNS = (
    "record_key",
    "source",
    "id_norm",
    "id_valid",
    "id_candidates",
    "xueji_no",
    "name_norm",
    "surname",
    "given_name",
    "name_pinyin",
    "surname_pinyin",
    "given_pinyin",
    "birth_date",
    "sex",
    "village_code",
    "town_code",
    "county_code",
    "household_key",
    "head_name",
    "guardian_name",
)


def prepare_input(con: duckdb.DuckDBPyConnection, source_table: str = "person_records") -> int:
    """Write ``linkage_input``: the compared columns of ``person_records`` plus a few
    derived once per run in SQL (set-based, no Python per row):

    - ``id_keys``: the numbers a record's ID may really be: itself when valid, its
      repair candidates (and the ID inside a ``G`` student number) when invalid or
      missing (what the repair blocking rule explodes);
    - ``birth_any``: the birth date, else the birth segment of an invalid ID;
      ``birth_str`` the same as ``YYYYMMDD`` (for the one-digit-apart level);
    - ``name_bag``: the name's characters sorted, equal for 伟张 and 张伟;
    - ``name_village`` / ``name_cohort``: the name with its village / its year of birth,
      whose frequencies name_frequency.py computes;
    - ``carers``: head-of-household and guardian names other than the record's own
      name, for the household comparison;
    - ``is_head``: the record is the head of its household (its name is the head's
      name); false for a student (never their own guardian); NULL when unknown;
    - ``family_key``: NULL here; the household pass (households.py) sets it for the
      records of households matched into one family.

    Returns the number of records.
    """
    have = {r[0] for r in con.execute(f"DESCRIBE {source_table}").fetchall()}
    missing = [c for c in REQUIRED_COLUMNS if c not in have]
    if missing:
        raise LinkageError(
            f"表 {source_table} 缺少连接所需的列 {', '.join(missing)}：请先运行数据读取（ingest）再连接。"
        )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {INPUT_TABLE} AS
        SELECT
            record_key,
            source,
            nullif(id_norm, '') AS id_norm,
            coalesce(id_valid, false) AS id_valid,
            CASE
                WHEN nullif(id_norm, '') IS NULL THEN g_id
                WHEN id_valid THEN [id_norm]
                ELSE list_distinct(list_concat(coalesce(id_candidates, []::VARCHAR[]), g_id))
            END AS id_keys,
            nullif(xueji_no, '') AS xueji_no,
            nullif(name_norm, '') AS name_norm,
            nullif(name_pinyin, '') AS name_pinyin,
            nullif(surname_pinyin, '') AS surname_pinyin,
            nullif(given_pinyin, '') AS given_pinyin,
            CASE WHEN nullif(name_norm, '') IS NOT NULL THEN
                array_to_string(list_sort(string_split(replace(name_norm, '·', ''), '')), '')
            END AS name_bag,
            birth_any,
            strftime(birth_any, '%Y%m%d') AS birth_str,
            -- the name with the group its frequency is taken in (name_frequency.py)
            nullif(name_norm, '') || '|' || nullif(village_code, '') AS name_village,
            nullif(name_norm, '') || '|' || CAST(year(birth_any) AS VARCHAR) AS name_cohort,
            sex,
            nullif(village_code, '') AS village_code,
            nullif(town_code, '') AS town_code,
            nullif(county_code, '') AS county_code,
            nullif(household_key, '') AS household_key,
            -- a head's own name is its name, which the name comparison already
            -- counts: as household evidence it would count it twice (two namesake
            -- heads of two households would "share" a household)
            list_filter(
                [nullif(head_name, ''), nullif(guardian_name, '')],
                lambda x: x IS NOT NULL AND x IS DISTINCT FROM nullif(name_norm, '')
            ) AS carers,
            CASE
                WHEN nullif(head_name, '') IS NOT NULL THEN name_norm = head_name
                WHEN nullif(guardian_name, '') IS NOT NULL THEN false
            END AS is_head,
            NULL::VARCHAR AS family_key  -- set by the household pass (households.mark_families)
        FROM (
            SELECT *,
                -- a G student number is "G" + the student's ID number: evidence for
                -- a record whose own ID is missing or invalid
                CASE WHEN xueji_no LIKE 'G%' AND length(xueji_no) = 19
                     THEN [substr(xueji_no, 2)] ELSE []::VARCHAR[] END AS g_id,
                coalesce(
                birth_date,
                CASE WHEN length(id_norm) = 18
                     THEN try_strptime(substr(id_norm, 7, 8), '%Y%m%d')::DATE END
            ) AS birth_any
            FROM {source_table}
        )
        """
    )
    (n,) = con.execute(f"SELECT count(*) FROM {INPUT_TABLE}").fetchall()[0]
    return int(n)


# Two valid ID numbers whose first 17 characters differ in more than two places belong
# to two people: no keyboard slip, and no slip that a system "repaired" by recomputing
# the check digit, turns one into the other (the guard's ID families, guard.py, join
# nothing wider), and the id comparison holds such pairs at
# training.VALID_DIFFERENT_MAX_WEIGHT. The rules that do not compare ID numbers leave
# them out. At 1M records they were 5.4M of the 6.3M pairs those rules proposed, and
# not one of them reached ``KEEP_WEIGHT`` (issue 22). Written as a CASE so that
# ``hamming`` (which fails on strings of unequal length) only meets two valid numbers;
# an unknown validity keeps the pair. A number the household pass finds to be a
# relative's is made invalid there (``households.drop_evidence_of_relative_ids``), so its
# record's pairs come back when that pass scores it again with these rules.
NOT_TWO_PEOPLE_BY_ID = (
    "coalesce(CASE WHEN l.id_valid AND r.id_valid AND length(l.id_norm) = length(r.id_norm) "
    "THEN hamming(substr(l.id_norm, 1, 17), substr(r.id_norm, 1, 17)) <= 2 END, true)"
)


def _unless_two_people_by_id(*columns: str) -> CustomRule:
    """``block_on(*columns)`` for pairs that ``NOT_TWO_PEOPLE_BY_ID`` keeps."""
    keys = " AND ".join(f'(l."{c}" = r."{c}")' for c in columns)
    return CustomRule(f"{keys} AND {NOT_TWO_PEOPLE_BY_ID}")


def blocking_rules() -> list:
    """Candidate pairs: each rule is an equi-join, so DuckDB hash-joins it.

    Order matters for the per-rule counts (Splink counts each pair under the first
    rule that finds it).
    """
    return [
        # 1. the same normalised ID number
        block_on("id_norm"),
        # 2. ID repair: an invalid number whose repair candidate is another's number
        CustomRule("l.id_keys = r.id_keys", arrays_to_explode=["id_keys"]),
        # 3. the same 学籍号 (student registry <-> subsidy payments)
        _unless_two_people_by_id("xueji_no"),
        # 4. birth date + surname (pinyin: homophones and traditional characters agree)
        _unless_two_people_by_id("birth_any", "surname_pinyin"),
        # 5. name (pinyin) + registration county: no ID and a wrong or missing birth date
        _unless_two_people_by_id("name_pinyin", "county_code"),
        # 6. birth date + the name's characters in any order (given name written first)
        _unless_two_people_by_id("birth_any", "name_bag"),
        # 7. household + given name: duplicates inside one household registry
        _unless_two_people_by_id("household_key", "given_pinyin"),
    ]


BLOCKING_RULE_LABELS = (
    "身份证号一致",
    "身份证号纠错候选一致",
    "学籍号一致",
    "出生日期+姓氏拼音",
    "姓名拼音+户籍县",
    "出生日期+姓名用字",
    "户号+名字拼音",
)


def settings_creator(probability_two_random_records_match: float = 2e-5) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        comparisons=all_comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source"],
        max_iterations=20,
        em_convergence=0.001,
    )
