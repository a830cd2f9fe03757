"""The linkage model on constructed hard cases (small data, the committed default model).

Each case is a few records added to a small background population (so names have
realistic frequencies); the model is the committed default (`linkage_models/`), not
retrained on this tiny table.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from notoneless.config import Settings
from notoneless.linkage import model, scoring, training
from notoneless.linkage.explain import explain_pair

from .records import Rec, load, make_id, population

V1 = "431224105201"  # a village of 溆浦县
V2 = "431202003204"  # a village of 鹤城区, another county

BIRTH = date(2014, 5, 9)
ID_TYPO = make_id("431224", date(2013, 2, 17), 125)
ID_SWAP = make_id("431224", date(2012, 11, 3), 347)
ID_HOMO = make_id("431224", date(2015, 7, 21), 212)
TWIN_A = make_id("431224", BIRTH, 31)
TWIN_B = make_id("431224", BIRTH, 42)
NAMESAKE_A = make_id("431224", date(2013, 8, 8), 61)
NAMESAKE_B = make_id("431202", date(2013, 8, 8), 77)


def _typo(idn: str, pos: int) -> str:
    d = str((int(idn[pos]) + 3) % 10)
    return idn[:pos] + d + idn[pos + 1 :]


def _transpose(idn: str, pos: int) -> str:
    assert idn[pos] != idn[pos + 1]
    return idn[:pos] + idn[pos + 1] + idn[pos] + idn[pos + 2 :]


CASES: dict[str, list[Rec]] = {
    # a poverty-registry record with one mistyped digit; a student record with two
    # adjacent digits swapped
    "typo": [
        Rec("hukou", "覃思远", ID_TYPO, village_code=V1, household_key="H-typo", head_name="覃建国"),
        Rec("fupin", "覃思远", _typo(ID_TYPO, 9), village_code=V1, household_key="F-typo", head_name="覃建国"),
    ],
    "transposed": [
        Rec("hukou", "龚雨萱", ID_SWAP, village_code=V1, household_key="H-swap", head_name="龚志强"),
        Rec(
            "xueji",
            "龚雨萱",
            _transpose(ID_SWAP, 12),
            birth_date=date(2012, 11, 3),
            sex="F",
            village_code=V1,
            guardian_name="龚志强",
            xueji_no="G" + ID_SWAP,
        ),
    ],
    # 张伟 in the household registry; 章偉 (homophone surname, traditional 偉) in the
    # student registry with no ID number at all (a temporary L student number)
    "homophone": [
        Rec("hukou", "张伟豪", ID_HOMO, village_code=V1, household_key="H-homo", head_name="张国华"),
        Rec(
            "xueji",
            "章偉豪",
            None,
            birth_date=date(2015, 7, 21),
            sex="M" if int(ID_HOMO[16]) % 2 else "F",
            village_code=V1,
            guardian_name="张国华",
            xueji_no="L431224000123",
        ),
    ],
    # twins: one household, one birth date, one surname, IDs differing in the sequence
    # digits, different given names; each twin in two systems
    "twins": [
        Rec("hukou", "向梓轩", TWIN_A, village_code=V1, household_key="H-twin", head_name="向德明"),
        Rec("hukou", "向梓涵", TWIN_B, village_code=V1, household_key="H-twin", head_name="向德明"),
        Rec("xueji", "向梓轩", TWIN_A, birth_date=BIRTH, village_code=V1, guardian_name="向德明", xueji_no="G" + TWIN_A),
        Rec("xueji", "向梓涵", TWIN_B, birth_date=BIRTH, village_code=V1, guardian_name="向德明", xueji_no="G" + TWIN_B),
    ],
    # twins without any ID number (temporary L student numbers): only the given
    # names tell them apart
    "twins_no_id": [
        Rec("xueji", "滕子涵", None, birth_date=BIRTH, sex="F", village_code=V1, guardian_name="滕建华",
            xueji_no="L431224000201"),
        Rec("xueji", "滕子萱", None, birth_date=BIRTH, sex="F", village_code=V1, guardian_name="滕建华",
            xueji_no="L431224000202"),
        Rec("fupin", "滕子涵", None, sex="F", village_code=V1, household_key="F-twin2", head_name="滕建华"),
        Rec("fupin", "滕子萱", None, sex="F", village_code=V1, household_key="F-twin2", head_name="滕建华"),
    ],
    # namesakes: same name and birth date, different villages (and counties), different valid IDs
    "namesakes": [
        Rec("hukou", "李欣怡", NAMESAKE_A, village_code=V1, household_key="H-ns1", head_name="李建军"),
        Rec("hukou", "李欣怡", NAMESAKE_B, village_code=V2, household_key="H-ns2", head_name="李红兵"),
    ],
}


def _cases_among(tmp_path_factory, background_size: int, seed: int):
    """The CASES after a generated background population, loaded into a fresh DuckDB:
    (connection, the record keys of each case, settings with a fresh workspace)."""
    background, _ = population(background_size, seed=seed)
    recs = list(background)
    offsets: dict[str, int] = {}
    for name, case in CASES.items():
        offsets[name] = len(recs)
        recs.extend(case)
    con = duckdb.connect()
    keys = load(con, recs)
    case_keys = {name: keys[offsets[name] : offsets[name] + len(CASES[name])] for name in CASES}
    return con, case_keys, Settings(workspace=tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    con, case_keys, settings = _cases_among(tmp_path_factory, 150, seed=5)
    result = scoring.score(con, settings, retrain=False)
    yield con, case_keys, settings, result
    con.close()


def _prob(con, a: str, b: str) -> float:
    rows = con.execute(
        "SELECT match_probability FROM predictions WHERE (record_key_l = ? AND record_key_r = ?) "
        "OR (record_key_l = ? AND record_key_r = ?)",
        [a, b, b, a],
    ).fetchall()
    return rows[0][0] if rows else 0.0


@pytest.mark.parametrize("case", ["typo", "transposed", "homophone"])
def test_dirty_pairs_link(scored, case):
    con, keys, _s, _r = scored
    a, b = keys[case]
    assert _prob(con, a, b) >= model.MATCH_THRESHOLD


@pytest.mark.parametrize("case", ["twins", "twins_no_id"])
def test_twins_do_not_link(scored, case):
    """Twins with IDs (hukou + xueji each) and twins without (xueji + fupin each)."""
    con, keys, _s, _r = scored
    first_a, first_b, second_a, second_b = keys[case]
    # each twin's own records link ...
    assert _prob(con, first_a, second_a) >= model.MATCH_THRESHOLD
    assert _prob(con, first_b, second_b) >= model.MATCH_THRESHOLD
    # ... and no record of one twin links to a record of the other
    for a in (first_a, second_a):
        for b in (first_b, second_b):
            assert _prob(con, a, b) < model.REVIEW_BAND[0], (a, b)


def test_namesakes_in_different_villages_do_not_link(scored):
    con, keys, _s, _r = scored
    a, b = keys["namesakes"]
    assert _prob(con, a, b) < model.REVIEW_BAND[0]


def test_blocking_counts_every_rule_that_found_pairs(scored):
    _con, _k, _s, result = scored
    assert result.pairs == sum(result.pairs_per_rule.values()) > 0
    assert set(result.pairs_per_rule) <= set(model.BLOCKING_RULE_LABELS)
    assert result.pairs_per_rule["身份证号一致"] > 0


def test_explain_pair_weights_sum_to_total(scored):
    con, keys, settings, _r = scored
    a, b = keys["twins"][0], keys["twins"][1]
    ex = explain_pair(con, a, b, settings)
    assert ex.rows[0].comparison == "先验"
    assert abs(sum(r.match_weight for r in ex.rows) - ex.match_weight) < 1e-6
    by_comparison = {r.comparison: r for r in ex.rows}
    assert by_comparison["身份证号"].level.startswith("两个有效号码不同")
    assert by_comparison["身份证号"].match_weight <= training.VALID_DIFFERENT_MAX_WEIGHT + 1e-9
    assert by_comparison["出生日期"].level == "出生日期一致"
    # every level an officer reads is Chinese
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r.level) for r in ex.rows)
    assert ex.match_probability < model.REVIEW_BAND[0]


def test_default_model_json_loads_and_is_trained():
    spec = training.load_model_dict(training.default_model_path())
    con = duckdb.connect()
    load(con, population(5, seed=1)[0])
    model.prepare_input(con)
    linker = scoring.make_linker(con, spec)
    comparisons = linker._settings_obj.comparisons
    assert [c.output_column_name for c in comparisons] == [
        "id",
        "name",
        "birth",
        "sex",
        "location",
        "household",
        "xueji_no",
    ]
    for c in comparisons:
        for level in c.comparison_levels:
            if not level.is_null_level:
                assert level.m_probability is not None and level.u_probability is not None
    assert 0 < linker._settings_obj._probability_two_random_records_match < 0.01


def test_default_model_json_has_the_codes_levels():
    """The committed model was trained with this code's comparisons: the same levels, labels
    and conditions (model.py, comparisons.py). Training finds its special levels by label
    (the sibling level's cap, the vetoes): a model trained before a label or condition
    changed would keep an uncapped level unnoticed. After changing a level, retrain:
    `.venv/bin/python scripts/train_linkage_model.py`."""
    def levels(spec: dict) -> list[tuple[str, list[tuple[str, str]]]]:
        return [(c["output_column_name"], [(lv["label_for_charts"], lv["sql_condition"]) for lv in c["comparison_levels"]])
                for c in spec["comparisons"]]

    assert levels(training.load_model_dict(training.default_model_path())) == levels(training.fresh_model_dict())


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    con, case_keys, settings = _cases_among(tmp_path_factory, 120, seed=9)
    report = scoring.link(con, settings, run_id="t1")
    yield con, case_keys, settings, report
    con.close()


def _person(con, key: str) -> str:
    return con.execute("SELECT person_id FROM entities WHERE record_key = ?", [key]).fetchall()[0][0]


def test_link_gives_twins_and_namesakes_different_persons(linked):
    con, keys, _s, report = linked
    assert report.records == con.execute("SELECT count(*) FROM person_records").fetchall()[0][0]
    hukou_a, hukou_b, xueji_a, xueji_b = keys["twins"]
    assert _person(con, hukou_a) == _person(con, xueji_a)
    assert _person(con, hukou_b) == _person(con, xueji_b)
    assert _person(con, hukou_a) != _person(con, hukou_b)
    a, b = keys["namesakes"]
    assert _person(con, a) != _person(con, b)
    xueji_a, xueji_b, fupin_a, fupin_b = keys["twins_no_id"]
    assert _person(con, xueji_a) == _person(con, fupin_a) != _person(con, xueji_b) == _person(con, fupin_b)
    for case in ("typo", "transposed", "homophone"):
        a, b = keys[case]
        assert _person(con, a) == _person(con, b), case
    stages = {r[0] for r in con.execute("SELECT stage FROM linkage_stats").fetchall()}
    assert {"blocking", "training", "prediction", "clustering", "person_ids"} <= stages


def test_explain_reports_the_cluster_decision(linked):
    con, keys, settings, _r = linked
    a, b = keys["typo"]
    ex = explain_pair(con, a, b, settings)
    assert ex.same_person is True and ex.decision.startswith("同一人")
    by_comparison = {r.comparison: r for r in ex.rows}
    assert by_comparison["身份证号"].level.startswith("纠错后一致")
    twin_a, twin_b = keys["twins"][0], keys["twins"][1]
    ex = explain_pair(con, twin_a, twin_b, settings)
    assert ex.same_person is False and ex.decision.startswith("不是同一人")


def test_retraining_is_deterministic(tmp_path):
    """Same data twice, trained from the default both times: the same parameters and
    the same scored pairs (u sampling is seeded, EM's pair sampling is hash-based)."""
    recs = list(population(80, seed=13)[0])
    outs = []
    for i in range(2):
        con = duckdb.connect()
        load(con, recs)
        result = scoring.score(con, Settings(workspace=tmp_path / f"ws{i}"), retrain=True)
        assert result.trained
        outs.append(
            con.execute(
                "SELECT record_key_l, record_key_r, round(match_weight, 9) FROM predictions ORDER BY 1, 2"
            ).fetchall()
        )
        con.close()
    assert outs[0] == outs[1] and len(outs[0]) > 0


def test_g_student_number_supplies_the_id_of_a_record_whose_own_id_is_broken():
    con = duckdb.connect()
    good = make_id("431224", date(2013, 4, 5), 88)
    broken = good[:8] + good[9] + good[8] + good[10:]  # the year's digits swapped
    load(con, [
        Rec("hukou", "王蓉", good, village_code=V1),
        Rec("zizhu", "王蓉", broken, xueji_no="G" + good),
        Rec("zizhu", "王蓉", None, xueji_no="G" + good),
    ])
    model.prepare_input(con)
    keys = dict(con.execute("SELECT record_key, id_keys FROM linkage_input").fetchall())
    assert good in keys["zizhu:1"] and keys["zizhu:2"] == [good] and keys["hukou:1"] == [good]
