"""An equal name weighs by how common it is where the two records meet (issue 22, namesakes).

Splink's own adjustment takes a name's share of the whole input. In one village the
question is whether *another* person of that village carries the name: a second child
named 王子豪 two doors away makes "王子豪, same village" weak evidence, however rare the
name is in the county.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from notoneless.config import Settings
from notoneless.linkage import explain, model, name_frequency, scoring
from notoneless.linkage.comparisons import SAME_NAME_VILLAGE_LABEL

from .records import Rec, load, make_id, population

REGION = "431224"
V = "431224106299"  # a village of its own: the background population lives elsewhere
W = "431224106298"


def _tf(con, column: str, term: str) -> float:
    rows = con.execute(
        f"SELECT tf_{column} FROM {name_frequency.tf_table(column)} WHERE {column} = ?", [term]
    ).fetchall()
    assert len(rows) == 1, (column, term, rows)
    return rows[0][0]


def test_the_frequency_counts_other_persons_of_the_group_in_one_source():
    con = duckdb.connect()
    load(con, [
        # two boys named 王子豪 in two households of village V, born in two years
        Rec("hukou", "王子豪", birth_date=date(2015, 1, 1), sex="M", village_code=V, household_key="h1"),
        Rec("hukou", "王子豪", birth_date=date(2014, 6, 6), sex="M", village_code=V, household_key="h2"),
        # one child, listed twice by the household registry (moved between households)
        Rec("hukou", "刘思远", birth_date=date(2015, 2, 2), sex="M", village_code=V, household_key="h3"),
        Rec("hukou", "刘思远", birth_date=date(2015, 2, 2), sex="M", village_code=V, household_key="h4"),
        # a poverty list's line: no birth date, so no cohort
        Rec("fupin", "王子豪", village_code=V, household_key="F1"),
        Rec("fupin", "陈一诺", village_code=V, household_key="F2"),
        # the rest of the county: 54 children of other names in another village
        *(Rec("hukou", f"{s}{g}", birth_date=date(2014, 1, 1 + i), village_code=W, household_key=f"w{s}{i}")
          for s in "赵钱孙" for i, g in enumerate("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀")),
    ])
    model.prepare_input(con)
    name_frequency.compute(con)
    n = 60
    f = {"王子豪": 3 / n, "刘思远": 2 / n, "陈一诺": 1 / n}  # shares of all named records
    size_v = 4  # the village's records in its largest source (hukou)
    # one other 王子豪 in V: the group's own evidence, shrunk halfway toward the overall share
    assert _tf(con, "name_village", f"王子豪|{V}") == pytest.approx((1 + size_v * f["王子豪"]) / (2 * size_v))
    # the child listed twice is one person: nobody else in V is called 刘思远, and that
    # leaves the overall share (a namesake in another source would not have been seen)
    assert _tf(con, "name_village", f"刘思远|{V}") == pytest.approx(f["刘思远"])
    assert _tf(con, "name_village", f"陈一诺|{V}") == pytest.approx(f["陈一诺"])
    # born 2015: 王子豪 once and 刘思远 once among 3 hukou records of that year
    assert _tf(con, "name_cohort", "王子豪|2015") == pytest.approx(f["王子豪"])
    assert _tf(con, "name_cohort", "刘思远|2015") == pytest.approx(f["刘思远"])
    # a line without a birth date has no cohort term
    (n,) = con.execute(
        f"SELECT count(*) FROM {name_frequency.tf_table('name_cohort')} WHERE name_cohort LIKE '陈一诺%'"
    ).fetchall()[0]
    assert n == 0


def test_a_name_two_households_of_the_village_carry_weighs_less_than_a_name_one_child_carries(tmp_path):
    """The same shape of pair twice: a poverty list's line (no ID, no birth date) against a
    household registry record of the same name in the same village, in other households.
    Only how many children of the village carry the name differs."""
    background, _ = population(150, seed=31)
    members = [
        Rec("hukou", "王子豪", make_id(REGION, date(2015, 3, 4), 211), village_code=V, household_key="H1",
            head_name="王建国"),
        Rec("hukou", "王子豪", make_id(REGION, date(2013, 9, 17), 417), village_code=V, household_key="H2",
            head_name="王德明"),
        Rec("fupin", "王子豪", village_code=V, household_key="F1", head_name="王长顺"),
        Rec("hukou", "赵思远", make_id(REGION, date(2015, 5, 6), 233), village_code=V, household_key="H3",
            head_name="赵建军"),
        Rec("fupin", "赵思远", village_code=V, household_key="F2", head_name="赵长福"),
    ]
    con = duckdb.connect()
    keys = load(con, background + members)[len(background):]
    settings = Settings(workspace=tmp_path / "ws")
    scoring.link(con, settings, run_id="names")

    def name_row(a: str, b: str):
        explained = explain.explain_pair(con, a, b, settings)
        (row,) = [r for r in explained.rows if r.comparison == "姓名"]
        return row

    namesake = name_row(keys[2], keys[0])  # 王子豪: a second 王子豪 lives in the village
    unique = name_row(keys[4], keys[3])  # 赵思远: the only one of the village
    assert namesake.level == unique.level == SAME_NAME_VILLAGE_LABEL
    # overall, 王子豪 (3 records) is only log2(3/2) = 0.6 bits commoner than 赵思远 (2)
    assert namesake.match_weight < unique.match_weight - 5, (namesake, unique)
    assert namesake.note.startswith("按本村叫这个名字的人数算")
