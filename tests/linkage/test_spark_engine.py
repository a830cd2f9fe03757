"""Linkage on Spark (NOTONELESS_LINKAGE_ENGINE=spark, Splink's Spark backend in local
mode) gives what DuckDB gives: every level of the model holds for the same pairs, the
functions it needs agree value for value, and a generated bundle of over 30,000 records
linked by each engine ends in the same persons (pairwise F1 between the two >= 0.9999,
every difference listed with both engines' match weights).

The bundle is scored with the committed model on both engines, not retrained: training
is the slow part on Spark in local mode (dozens of Spark jobs, each planned anew), and the
two engines draw Splink's u sample by hashing record keys with different hash functions,
so trained parameters differ a little by design. Training on Spark is measured, with its
agreement, by ``benchmarks/linkage_scale.py --engine spark`` (docs/scale.md).

One Spark session for the whole test run (the ``spark`` fixture, tests/conftest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from notoneless.bundle.ingest import ingest_bundle
from notoneless.evaluation import cluster_agreement
from notoneless.linkage import model, spark_engine
from notoneless.linkage.scoring import link
from notoneless.synth import WorldConfig, generate_bundle

# Pinyin pairs on both sides of the model's 0.9 that Spark's built-in
# jaro_winkler_similarity (and Splink's jar) score below it and DuckDB above.
CROSSING = [("chenping", "chengjian"), ("jiangping", "jingang"), ("yuanjuan", "yanxiujuan"),
            ("longyiping", "leiyongping")]


def test_spark_functions_agree_with_duckdb(spark, tmp_path):
    """hamming and jaro_winkler_similarity as the model uses them, on every pair of some
    pinyin names and ID-like strings (plus NULL, empty and unequal lengths; DuckDB's
    hamming refuses empty strings, which the model never compares)."""
    words = ["zhangwei", "zhangwie", "wangfang", "wangfan", "lixiuying", "lixiuyin", "", "a", "ab", "ba",
             "431224201305091234", "431224201305091243", "43122420130509123X", "20130509", "20130905",
             "zhongyangzi", "zhongjingyan", *{w for pair in CROSSING for w in pair}]
    pairs = [(a, b) for a in [*words, None] for b in [*words, None]]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (a VARCHAR, b VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    want = {
        (a, b): (jw, h)
        for a, b, jw, h in con.execute(
            "SELECT a, b, jaro_winkler_similarity(a, b), "
            "CASE WHEN length(a) = length(b) AND a <> '' THEN hamming(a, b) END FROM p"
        ).fetchall()
    }
    spark.createDataFrame(pairs, "a string, b string").createOrReplaceTempView("p")
    got = {(a, b): (jw, h) for a, b, jw, h in spark.sql(
        f"SELECT a, b, {spark_engine.JARO_WINKLER_FUNCTION}(a, b), CASE WHEN a <> '' THEN hamming(a, b) END FROM p"
    ).collect()}
    differ = [(k, want[k], got[k]) for k in want
              if want[k][1] != got[k][1] or (want[k][0] is None) != (got[k][0] is None)
              or (want[k][0] is not None and abs(want[k][0] - got[k][0]) > 1e-12)]
    assert not differ, differ
    for a, b in CROSSING:
        assert want[(a, b)][0] >= 0.9
        (builtin,) = spark.sql(f"SELECT jaro_winkler_similarity('{a}', '{b}')").collect()[0]
        assert builtin < 0.9  # why Spark's own cannot stand in for DuckDB's


def test_every_level_of_the_model_holds_for_the_same_pairs_in_both_engines(spark, tmp_path):
    """Each comparison level of the committed model (DuckDB SQL, translated once for Spark)
    holds for exactly the same record pairs in Spark as in DuckDB: all pairs of a small
    generated population, twins, typos and namesakes included."""
    from notoneless.linkage import training

    from .records import load, population

    con = duckdb.connect()
    load(con, population(40, seed=21)[0])
    model.prepare_input(con)
    cols = [r[0] for r in con.execute(f"DESCRIBE {model.INPUT_TABLE}").fetchall()]
    side = lambda s: ", ".join(f'{s}."{c}" AS "{c}_{s}"' for c in cols)
    con.execute(f"CREATE TABLE pairs AS SELECT {side('l')}, {side('r')} FROM {model.INPUT_TABLE} l, "
                f"{model.INPUT_TABLE} r WHERE l.record_key < r.record_key")
    con.execute(f"COPY pairs TO '{tmp_path / 'pairs.parquet'}' (FORMAT parquet)")
    spark.read.parquet(str(tmp_path / "pairs.parquet")).createOrReplaceTempView("pairs")
    base = training.load_model_dict(training.default_model_path())
    translated = spark_engine.spark_spec(base)
    assert not any("&&" in lv["sql_condition"] for c in translated["comparisons"] for lv in c["comparison_levels"])
    (n,) = con.execute("SELECT count(*) FROM pairs").fetchall()[0]
    assert n > 10_000
    levels = [(lv["label_for_charts"], lv["sql_condition"], slv["sql_condition"])
              for c, sc in zip(base["comparisons"], translated["comparisons"], strict=True)
              for lv, slv in zip(c["comparison_levels"], sc["comparison_levels"], strict=True)
              if lv["sql_condition"] != "ELSE"]
    # one query per engine, a column per level (NULL counts as "does not hold", as in CASE WHEN)
    duck = con.execute("SELECT record_key_l, record_key_r, " + ", ".join(
        f"coalesce({d}, false)" for _, d, _ in levels) + " FROM pairs").fetchall()
    sprk = spark.sql("SELECT record_key_l, record_key_r, " + ", ".join(
        f"coalesce({s}, false)" for _, _, s in levels) + " FROM pairs").collect()
    duck_rows = {(r[0], r[1]): r[2:] for r in duck}
    sprk_rows = {(r[0], r[1]): tuple(r[2:]) for r in sprk}
    assert duck_rows.keys() == sprk_rows.keys()
    for i, (label, _d, spark_sql) in enumerate(levels):
        differ = [k for k in duck_rows if duck_rows[k][i] != sprk_rows[k][i]]
        assert not differ, (label, spark_sql, differ[:5])
    assert sum(any(row) for row in duck_rows.values()) > 0
    checked = len(levels)
    assert checked >= 25


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """A generated bundle of over 30,000 person records, ingested into a DuckDB file."""
    root = tmp_path_factory.mktemp("spark30k")
    summary = generate_bundle(root / "gen", WorldConfig(counties=2, children_per_county=4200, seed=11))
    db = root / "ingested.duckdb"
    con = duckdb.connect(str(db))
    ingest_bundle(summary.bundle_dir, con, workspace_aliases=None)
    con.close()
    return db


def _link(db: Path, workspace: Path, settings) -> tuple[dict[str, str], dict[tuple[str, str], float], object]:
    workspace.mkdir(parents=True)
    shutil.copy(db, workspace / "linkage.duckdb")
    con = duckdb.connect(str(workspace / "linkage.duckdb"))
    try:
        report = link(con, settings.model_copy(update={"workspace": workspace}), run_id="engines", retrain=False)
        persons = dict(con.execute("SELECT record_key, person_id FROM entities").fetchall())
        weights = {(a, b): w for a, b, w in con.execute(
            "SELECT record_key_l, record_key_r, match_weight FROM predictions").fetchall()}
    finally:
        con.close()
    return persons, weights, report


def test_both_engines_give_the_same_persons_on_a_generated_bundle(spark, spark_settings, ingested, tmp_path):
    duck, duck_w, duck_report = _link(ingested, tmp_path / "duckdb",
                                      spark_settings.model_copy(update={"linkage_engine": "duckdb"}))
    sprk, sprk_w, sprk_report = _link(ingested, tmp_path / "spark", spark_settings)
    assert len(duck) >= 30_000
    assert (duck_report.engine, sprk_report.engine) == ("duckdb", "spark")
    assert sprk_report.pairs_per_rule == duck_report.pairs_per_rule  # the same blocking, rule by rule
    agreement = cluster_agreement(duck, sprk)

    def explain(pair: tuple[str, str]) -> str:
        return (f"{pair}: DuckDB 权重 {duck_w.get(pair, '无')}，Spark 权重 {sprk_w.get(pair, '无')}"
                f"（阈值概率 {model.MATCH_THRESHOLD}）")

    listed = [f"只有 DuckDB 连上 {explain(p)}" for p in agreement.only_a] + \
             [f"只有 Spark 连上 {explain(p)}" for p in agreement.only_b]
    assert agreement.pairs_a > 10_000
    assert agreement.f1 >= 0.9999, f"F1 {agreement.f1:.6f}，差异 {len(listed)} 对：\n" + "\n".join(listed[:50])
    # The model of a Spark run is saved in DuckDB SQL: the next run and explain read it.
    saved = (tmp_path / "spark" / "linkage_model.json").read_text(encoding="utf-8")
    assert '"sql_dialect": "duckdb"' in saved and "list_has_any" in saved and "jaro_winkler_similarity(" in saved
    assert spark_engine.JARO_WINKLER_FUNCTION not in saved
    # only the kept pairs came back; nothing of the run stays in the workspace's spark/ folder
    assert not (tmp_path / "spark" / "spark").exists()
