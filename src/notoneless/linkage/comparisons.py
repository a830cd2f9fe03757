"""The comparisons of the linkage model: how two person records are compared, field by field.

Each comparison is a Splink ``CustomComparison`` whose levels are plain DuckDB SQL over
columns that ingest already normalised (``person_records``) or that
``model.prepare_input`` derives once per run (``id_keys``, ``name_bag``,
``birth_any``, ``carers``). Nothing here calls Python per pair: every level is a
cheap expression DuckDB evaluates inside Splink's CASE statement, in the order given
(the first level that holds wins).

The labels (``label_for_charts``) are what an officer reads in ``notoneless explain``,
so they are simplified Chinese. Why our own levels rather than Splink's comparison
library: the library has no notion of a Chinese ID number's repair candidates, its
check digit, its birth-date segment, of homophones (same pinyin) or of a name written
given-name-first; those are exactly the dirt of the real extracts.
"""

from __future__ import annotations

from typing import Any

from splink.comparison_library import CustomComparison

# Columns of `linkage_input` the comparisons read (besides record_key).
COMPARED_COLUMNS = (
    "id_norm",
    "id_valid",
    "id_keys",
    "name_norm",
    "name_pinyin",
    "surname_pinyin",
    "given_pinyin",
    "name_bag",
    "name_village",
    "name_cohort",
    "birth_any",
    "birth_str",
    "sex",
    "village_code",
    "town_code",
    "county_code",
    "household_key",
    "carers",
    "is_head",
    "xueji_no",
)


SIBLING_LABEL = "同户、名字读音不同（兄弟姐妹或其他家庭成员）"

# One household: the same household number, a shared head or guardian name, or one
# record's name is the other's head or guardian (``carers`` leaves out a record's own
# name, so a head and a member of one household share no name in it).
SAME_HOUSEHOLD = (
    'coalesce("household_key_l" = "household_key_r" OR list_has_any("carers_l", "carers_r") '
    'OR list_contains("carers_r", "name_norm_l") OR list_contains("carers_l", "name_norm_r"), false)'
)


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(sql: str, label: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "is_null_level": True}


def _else(label: str) -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": label}


def id_number() -> CustomComparison:
    """身份证号: exact, equal after repair, close, and the two 'different' cases.

    Two *valid* numbers that differ can never be one typo apart (the GB 11643 check
    digit catches every single-digit error), so they are different people: twins
    (same birth segment, different sequence digits) or namesakes. Those levels must
    carry a strongly negative weight; training keeps them there (see training.py).
    """
    return CustomComparison(
        output_column_name="id",
        comparison_description="身份证号",
        comparison_levels=[
            _null('"id_norm_l" IS NULL OR "id_norm_r" IS NULL', "一方无身份证号"),
            _level('"id_norm_l" = "id_norm_r"', "身份证号一致"),
            _level(
                'list_has_any("id_keys_l", "id_keys_r")',
                "纠错后一致（校验位修复或相邻两位对调）",
            ),
            # Hamming, not Damerau-Levenshtein: both are 18 characters, an adjacent
            # transposition is two positions, and Hamming is ~20x cheaper per pair.
            _level(
                'NOT ("id_valid_l" AND "id_valid_r") '
                'AND hamming("id_norm_l", "id_norm_r") <= 2',
                "号码相差一两位（一方校验不通过）",
            ),
            _level(
                '"id_valid_l" AND "id_valid_r" '
                'AND substr("id_norm_l", 1, 14) = substr("id_norm_r", 1, 14)',
                "两个有效号码不同，地区和出生日期段相同（疑似双胞胎）",
            ),
            _level('"id_valid_l" AND "id_valid_r"', "两个有效号码不同"),
            _level(
                'substr("id_norm_l", 7, 8) = substr("id_norm_r", 7, 8)',
                "号码不同但出生日期段相同（一方校验不通过）",
            ),
            _else("号码不同（一方校验不通过）"),
        ],
    )


# The labels of the equal-name levels whose frequency is taken where the two records meet
# (name_frequency.py), and of the plain one.
SAME_NAME_VILLAGE_LABEL = "姓名一致，同村（按村内同名频率）"
SAME_NAME_COHORT_LABEL = "姓名一致，同年出生（按同年出生者中的同名频率）"
SAME_NAME_LABEL = "姓名一致"


def name() -> CustomComparison:
    """姓名: exact (in one village, in one birth year, anywhere), homophone, swapped order,
    a typo in the given name, same surname only.

    The three exact levels differ only in which frequency adjusts them: the name's
    frequency in the shared village, among the shared birth year, or overall
    (name_frequency.py)."""
    return CustomComparison(
        output_column_name="name",
        comparison_description="姓名",
        comparison_levels=[
            _null('"name_norm_l" IS NULL OR "name_norm_r" IS NULL', "一方无姓名"),
            _level(
                '"name_village_l" = "name_village_r"',
                SAME_NAME_VILLAGE_LABEL,
                tf_adjustment_column="name_village",
                tf_adjustment_weight=1.0,
            ),
            _level(
                '"name_cohort_l" = "name_cohort_r"',
                SAME_NAME_COHORT_LABEL,
                tf_adjustment_column="name_cohort",
                tf_adjustment_weight=1.0,
            ),
            _level(
                '"name_norm_l" = "name_norm_r"',
                SAME_NAME_LABEL,
                tf_adjustment_column="name_norm",
                tf_adjustment_weight=1.0,
            ),
            _level('"name_pinyin_l" = "name_pinyin_r"', "姓名同音（拼音相同）"),
            _level('"name_bag_l" = "name_bag_r"', "姓名用字相同、顺序颠倒"),
            # Two members of one household (siblings, twins above all; a mother and her
            # daughter): given names that do not even sound alike, whatever the surnames.
            # Placed before the "similar name" levels.
            _level(f'"given_pinyin_l" <> "given_pinyin_r" AND {SAME_HOUSEHOLD}', SIBLING_LABEL),
            _level(
                '"surname_pinyin_l" = "surname_pinyin_r" '
                'AND jaro_winkler_similarity("given_pinyin_l", "given_pinyin_r") >= 0.9',
                "同姓，名字拼音相近",
            ),
            _level(
                'jaro_winkler_similarity("name_pinyin_l", "name_pinyin_r") >= 0.9',
                "姓名拼音相近",
            ),
            _level('"surname_pinyin_l" = "surname_pinyin_r"', "同姓不同名"),
            _else("姓名不同"),
        ],
    )


def birth_date() -> CustomComparison:
    """出生日期: exact, day and month swapped, one digit apart, within a year."""
    return CustomComparison(
        output_column_name="birth",
        comparison_description="出生日期",
        comparison_levels=[
            # Ingest takes the birth date of a record with a valid ID number from the
            # number, so two records with one valid number always agree on it: the ID
            # comparison has counted that already, and counting it again would let a
            # number copied from a relative outweigh a different name.
            _null(
                '"birth_any_l" IS NULL OR "birth_any_r" IS NULL '
                'OR ("id_valid_l" AND "id_norm_l" = "id_norm_r")',
                "一方无出生日期，或两条记录的身份证号相同（出生日期即取自该号码）",
            ),
            _level('"birth_any_l" = "birth_any_r"', "出生日期一致"),
            _level(
                'year("birth_any_l") = year("birth_any_r") '
                'AND month("birth_any_l") = day("birth_any_r") '
                'AND day("birth_any_l") = month("birth_any_r")',
                "出生日期月日颠倒",
            ),
            _level('hamming("birth_str_l", "birth_str_r") = 1', "出生日期相差一位数字"),
            _level(
                'abs(date_diff(\'day\', "birth_any_l", "birth_any_r")) <= 366',
                "出生日期相差一年以内",
            ),
            _else("出生日期不同"),
        ],
    )


def sex() -> CustomComparison:
    return CustomComparison(
        output_column_name="sex",
        comparison_description="性别",
        comparison_levels=[
            _null('"sex_l" IS NULL OR "sex_r" IS NULL', "一方无性别"),
            _level('"sex_l" = "sex_r"', "性别一致"),
            _else("性别不同"),
        ],
    )


def location() -> CustomComparison:
    """户籍地: same village, town, county (xueji's 户口所在地 may be county-level only)."""
    return CustomComparison(
        output_column_name="location",
        comparison_description="户籍地（村/乡镇/县）",
        comparison_levels=[
            _null('"county_code_l" IS NULL OR "county_code_r" IS NULL', "一方无户籍地"),
            _level('"village_code_l" = "village_code_r"', "同村"),
            _level('"town_code_l" = "town_code_r"', "同乡镇"),
            _level('"county_code_l" = "county_code_r"', "同县"),
            _else("不同县"),
        ],
    )


def household() -> CustomComparison:
    """户: same household key (户号/户编号), or the same head of household / guardian name.

    First, a level for "one is the head of the household, the other a member of it"
    (``is_head``: the record's own name is its head-of-household name): a parent and
    a child share the household and the head's name, and sometimes near-homophone
    names, but a person does not change from head to member between systems.
    """
    return CustomComparison(
        output_column_name="household",
        comparison_description="户号与户主/监护人",
        comparison_levels=[
            _null(
                'NOT ("household_key_l" IS NOT NULL AND "household_key_r" IS NOT NULL) '
                'AND NOT (array_length("carers_l") > 0 AND array_length("carers_r") > 0) '
                f'AND NOT {SAME_HOUSEHOLD} AND NOT coalesce("is_head_l" AND "is_head_r", false)',
                "无可比的户信息",
            ),
            _level(f'"is_head_l" <> "is_head_r" AND {SAME_HOUSEHOLD}', "同户，一方是户主、另一方是家庭成员"),
            _level('"household_key_l" = "household_key_r"', "同一户号"),
            _level('list_has_any("carers_l", "carers_r")', "户主/监护人同名"),
            # Both are the heads of their households. Not a household match (the head's
            # name is the record's own name, which the name comparison counts), but a
            # role both lists agree on: EM weighs it.
            _level('"is_head_l" AND "is_head_r"', "双方均为户主"),
            _else("户信息不同"),
        ],
    )


def xueji_number() -> CustomComparison:
    """学籍号 (student registry and subsidy payments only)."""
    return CustomComparison(
        output_column_name="xueji_no",
        comparison_description="学籍号",
        comparison_levels=[
            _null('"xueji_no_l" IS NULL OR "xueji_no_r" IS NULL', "一方无学籍号"),
            _level('"xueji_no_l" = "xueji_no_r"', "学籍号一致"),
            _else("学籍号不同"),
        ],
    )


# Chinese name of each comparison and the input columns shown to an officer.
DISPLAY = {
    "id": ("身份证号", ("id_norm",)),
    "name": ("姓名", ("name_norm",)),
    "birth": ("出生日期", ("birth_any",)),
    "sex": ("性别", ("sex",)),
    "location": ("户籍地", ("village_code", "county_code")),
    "household": ("户号/户主/监护人", ("household_key", "carers")),
    "xueji_no": ("学籍号", ("xueji_no",)),
}


def all_comparisons() -> list[CustomComparison]:
    return [id_number(), name(), birth_date(), sex(), location(), household(), xueji_number()]
