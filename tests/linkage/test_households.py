"""Households as evidence (linkage/households.py): a relative's ID number copied onto a
child's record in a hand-typed list, a list that names another head, and the relation
levels estimated on the data."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from notoneless.config import Settings
from notoneless.linkage import households, scoring

from .records import load_families, make_id, population

REGION = "431224"
V = "431224102203"
FATHER_ID = make_id(REGION, date(1980, 3, 4), 131)
MOTHER_ID = make_id(REGION, date(1983, 9, 12), 242)
SON_ID = make_id(REGION, date(2012, 5, 6), 351)
DAUGHTER_ID = make_id(REGION, date(2015, 1, 20), 462)

# one family in the household registry (head: the father) and in the poverty registry
# (head: the mother, relations following her); the poverty list copied the mother's ID
# number onto the daughter's line
FAMILY = [
    ("hukou", "杜建国", FATHER_ID, "H-du", "杜建国", "户主"),
    ("hukou", "王丽华", MOTHER_ID, "H-du", "杜建国", "配偶"),
    ("hukou", "杜浩宇", SON_ID, "H-du", "杜建国", "子"),
    ("hukou", "杜欣怡", DAUGHTER_ID, "H-du", "杜建国", "女"),
    ("fupin", "王丽华", MOTHER_ID, "F-du", "王丽华", "户主"),
    ("fupin", "杜建国", FATHER_ID, "F-du", "王丽华", "配偶"),
    ("fupin", "杜浩宇", SON_ID, "F-du", "王丽华", "子"),
    ("fupin", "杜欣怡", MOTHER_ID, "F-du", "王丽华", "女"),  # the mother's number
]


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    background, _ = population(150, seed=11)
    con = duckdb.connect()
    family_keys = load_families(con, background, [(*m, V) for m in FAMILY])
    settings = Settings(workspace=tmp_path_factory.mktemp("ws"))
    report = scoring.link(con, settings, run_id="hh")
    yield con, dict(zip([(s, n) for s, n, *_ in FAMILY], family_keys, strict=True)), report, settings
    con.close()


def _person(con, key: str) -> str:
    return con.execute("SELECT person_id FROM entities WHERE record_key = ?", [key]).fetchall()[0][0]


def test_a_relatives_id_number_is_no_evidence(linked):
    con, k, _report, _settings = linked
    copied = con.execute("SELECT record_key, id_norm FROM relative_ids").fetchall()
    assert copied == [(k["fupin", "杜欣怡"], MOTHER_ID)]
    # the daughter's poverty record is the daughter, not the mother whose number it carries
    assert _person(con, k["fupin", "杜欣怡"]) == _person(con, k["hukou", "杜欣怡"])
    assert _person(con, k["fupin", "杜欣怡"]) != _person(con, k["hukou", "王丽华"])
    assert _person(con, k["fupin", "王丽华"]) == _person(con, k["hukou", "王丽华"])
    # the number is gone from what the model compares, with the birth date read from it
    id_norm, birth = con.execute(
        "SELECT id_norm, birth_any FROM linkage_input WHERE record_key = ?", [k["fupin", "杜欣怡"]]
    ).fetchall()[0]
    assert id_norm is None and birth is None


def test_two_lists_of_one_family_are_one_household_whoever_they_call_head(linked):
    con, k, _report, _settings = linked
    marks = {key: fam for key, fam in con.execute(
        "SELECT record_key, family_key FROM linkage_input WHERE record_key IN (SELECT unnest(?))",
        [list(k.values())]).fetchall()}
    assert len(set(marks.values())) == 1 and None not in marks.values(), marks
    for name in ("杜建国", "王丽华", "杜浩宇", "杜欣怡"):
        assert _person(con, k["hukou", name]) == _person(con, k["fupin", name]), name
    assert len({_person(con, key) for key in k.values()}) == 4


def test_relation_levels_are_estimated_and_reported(linked):
    con, _k, report, _settings = linked
    rows = con.execute(
        "SELECT level, pairs_same_person, pairs_other, match_weight FROM family_levels ORDER BY level"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(households.FAMILY_LEVELS)
    by_level = {r[0]: r for r in rows}
    # a member whose counterpart in the other household is someone else: evidence
    # against; the same generation after the heads' offset: evidence for
    assert by_level[1][3] < 0 < by_level[3][3]
    stats = dict(con.execute("SELECT stage, pairs FROM linkage_stats WHERE stage LIKE 'households%'").fetchall())
    assert stats["households:relative_ids"] == 1 and stats["households:matched_pairs"] >= 1
    assert "households" in report.seconds


def test_relations_map_to_generations():
    gen = {rel: g for g, rels in households._GENERATIONS.items() for rel in rels}
    assert (gen["户主"], gen["配偶"], gen["子"], gen["孙女"], gen["母亲"], gen["22"], gen["41"]) == (0, 0, 1, 2, -1, 1, 2)
    assert len(gen) == sum(len(r) for r in households._GENERATIONS.values())  # no relation in two generations


def test_an_explanation_shows_the_relation_level_the_pass_added(linked):
    # The pass moves a family pair's weight by its relation level; the explanation of the
    # pair says so, and its total is the weight the clustering used.
    from notoneless.linkage.explain import FAMILY_ROW, explain_pair

    con, k, _report, settings = linked
    a, b = k["hukou", "杜浩宇"], k["fupin", "杜浩宇"]
    stored = con.execute(
        "SELECT match_weight FROM predictions WHERE least(record_key_l, record_key_r) = least(?::VARCHAR, ?::VARCHAR) "
        "AND greatest(record_key_l, record_key_r) = greatest(?::VARCHAR, ?::VARCHAR)", [a, b, a, b]).fetchall()
    assert stored, "the pair was scored"
    ex = explain_pair(con, a, b, settings)
    rows = [r for r in ex.rows if r.comparison == FAMILY_ROW]
    assert [r.level for r in rows] == [households.FAMILY_LEVELS[3]]
    weight = con.execute("SELECT match_weight FROM family_levels WHERE level = 3").fetchall()[0][0]
    assert rows[0].match_weight == pytest.approx(weight)
    assert ex.match_weight == pytest.approx(stored[0][0], abs=1e-6)
