"""``link``: from ``person_records`` to ``predictions``, ``clusters`` and ``entities``.

Stages (each timed into ``linkage_stats``): prepare the input, train (or load) the
model, block (candidate pairs, counted per blocking rule), predict (score the pairs),
cluster (connected components + the twin guard, clustering.py) and assign stable
person ids (stable_ids.py).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from splink import DuckDBAPI, Linker

from notoneless.bundle.staging import staging_settings
from notoneless.config import Settings
from notoneless.errors import LinkageError
from notoneless.linkage import households, model, name_frequency, training

PREDICTIONS_TABLE = "predictions"


@dataclass
class LinkReport:
    """What a linkage run did: counts and seconds per stage."""

    records: int
    pairs_compared: int
    persons: int
    conflicts: int
    seconds: dict[str, float] = field(default_factory=dict)
    pairs_per_rule: dict[str, int] = field(default_factory=dict)
    trained: bool = False
    model_path: Path | None = None
    engine: str = "duckdb"  # where Splink ran (Settings.linkage_engine)

    def summary_zh(self) -> str:
        return (
            f"记录 {self.records:,} 条，比较 {self.pairs_compared:,} 对，"
            f"识别为 {self.persons:,} 人，待核身份冲突 {self.conflicts:,} 处，"
            f"用时 {sum(self.seconds.values()):.1f} 秒"
        )


def _quiet_splink() -> None:
    # Splink warns about every comparison level EM did not observe and about the
    # default u-sampling ``max_pairs``; both are handled on purpose here (training.py
    # caps the pairs and fills unobserved levels, see linkage_models/README.md), so
    # those warnings are noise on an officer's console. Errors still show.
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def make_linker(
    con: duckdb.DuckDBPyConnection, model_spec: dict | Path | str, *, table: str = model.INPUT_TABLE,
    validate: bool = True,
) -> Linker:
    """A Splink linker over ``table`` in ``con`` with a model (dict or JSON path).
    ``validate=False`` skips Splink's check of the model's SQL against the table's columns
    (about 150 ms): for a model a run already used on that table (``explain``)."""
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register(table)
    linker = Linker(sdf, model_spec, log_level=None, validate_settings=validate)
    _quiet_splink()
    return linker


class DuckDBLinkage:
    """The DuckDB side of one linkage run: Splink on the workspace's own connection
    (the Spark one, spark_engine.SparkLinkage, has the same five methods)."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def linker(self, spec: dict, table: str) -> Linker:
        return make_linker(self.con, spec, table=table)

    def register_name_frequencies(self, linker: Linker) -> None:
        name_frequency.register(linker, self.con, fresh=True)

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def bring_back(self, physical_name: str, columns: str, table: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {columns} FROM {physical_name}")

    def close(self) -> None:
        pass


def linkage_engine(con: duckdb.DuckDBPyConnection, settings: Settings) -> DuckDBLinkage:
    """Where Splink runs, as ``settings.linkage_engine`` says (NOTONELESS_LINKAGE_ENGINE)."""
    if settings.linkage_engine == "spark":
        from notoneless.linkage.spark_engine import SparkLinkage

        return SparkLinkage(con, settings)  # type: ignore[return-value]
    return DuckDBLinkage(con)


def run_model(settings: Settings) -> Path:
    """The model of the last run (what ``explain`` uses): the workspace's, else the default."""
    ws_model = settings.paths.linkage_model
    return ws_model if ws_model.is_file() else training.default_model_path()


@dataclass
class ScoreResult:
    records: int
    pairs: int
    pairs_per_rule: dict[str, int]
    stats: list[tuple[str, float, int | None]]
    seconds: dict[str, float]
    trained: bool
    model_path: Path
    engine: str = "duckdb"


def score(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    on_progress: Callable[[str], None] | None = None,
    retrain: bool | None = None,
    start_from: Path | None = None,
) -> ScoreResult:
    """The model part of ``link``: prepare, train or load, block, predict.

    Writes ``linkage_input`` and ``predictions`` and saves the model to
    ``<workspace>/linkage_model.json``. See ``link`` for ``retrain`` and ``start_from``.
    """
    say = on_progress or (lambda _m: None)
    seconds: dict[str, float] = {}
    stats: list[tuple[str, float, int | None]] = []

    t = time.perf_counter()
    say("准备连接输入")
    n = model.prepare_input(con)
    if n == 0:
        raise LinkageError("没有可连接的人员记录：请检查数据包中的六个人员文件是否为空或全部被拒收。")
    seconds["prepare"] = time.perf_counter() - t
    stats.append(("prepare", seconds["prepare"], None))

    t = time.perf_counter()
    # Always the committed default (not the workspace's last model), so that a run's
    # result depends on the bundle and the code only: the same bundle twice gives the
    # same model, the same pairs and the same persons.
    spec_path = Path(start_from) if start_from else training.default_model_path()
    spec = training.load_model_dict(spec_path)
    spec["retain_intermediate_calculation_columns"] = False
    spec["retain_matching_columns"] = False
    engine = linkage_engine(con, settings)
    try:
        linker = engine.linker(spec, model.INPUT_TABLE)
        engine.register_name_frequencies(linker)
        _quiet_splink()
        do_train = (n >= training.MIN_RECORDS_TO_TRAIN) if retrain is None else retrain
        if do_train:
            train_seconds = training.train(linker, on_progress=say)
            for step, s in train_seconds.items():
                stats.append((f"training:{step}", s, None))
        settings.workspace.mkdir(parents=True, exist_ok=True)
        model_path = settings.paths.linkage_model
        if engine.name == "duckdb":
            linker.misc.save_model_to_json(str(model_path), overwrite=True)
        else:  # saved in the model's own (DuckDB) SQL, whichever engine trained it
            from notoneless.linkage.spark_engine import as_base_dialect

            trained = as_base_dialect(linker.misc.save_model_to_json(), spec)
            model_path.write_text(json.dumps(trained, indent=4), encoding="utf-8")
        seconds["training"] = time.perf_counter() - t
        stats.append(("training", seconds["training"], None))

        t = time.perf_counter()
        say("分块生成候选记录对")
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        per_rule = engine.rows(f"SELECT match_key, count(*) FROM {blocked.physical_name} GROUP BY 1")
        pairs_per_rule = {
            model.BLOCKING_RULE_LABELS[int(k)]: int(v) for k, v in sorted(per_rule, key=lambda kv: int(kv[0]))
        }
        pairs = sum(pairs_per_rule.values())
        seconds["blocking"] = time.perf_counter() - t
        stats.append(("blocking", seconds["blocking"], pairs))
        for label, c in pairs_per_rule.items():
            stats.append((f"blocking:{label}", 0.0, c))

        t = time.perf_counter()
        say(f"为 {pairs:,} 对记录打分")
        predicted = linker.inference.predict(threshold_match_weight=model.KEEP_WEIGHT, warning_mode="never")
        engine.bring_back(
            predicted.physical_name, "record_key_l, record_key_r, match_weight, match_probability", PREDICTIONS_TABLE
        )
        predicted.drop_table_from_database_and_remove_from_cache()
        blocked.drop_table_from_database_and_remove_from_cache()
        (kept,) = con.execute(f"SELECT count(*) FROM {PREDICTIONS_TABLE}").fetchall()[0]
        linker.table_management.delete_tables_created_by_splink_from_db()
    finally:
        engine.close()
    seconds["prediction"] = time.perf_counter() - t
    stats.append(("prediction", seconds["prediction"], int(kept)))
    return ScoreResult(n, pairs, pairs_per_rule, stats, seconds, do_train, model_path, engine.name)


def link(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    run_id: str,
    on_progress: Callable[[str], None] | None = None,
    retrain: bool | None = None,
    start_from: Path | None = None,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> LinkReport:
    """Link ``person_records`` into persons.

    Writes ``linkage_input``, ``predictions(record_key_l, record_key_r, match_weight,
    match_probability)`` (pairs with weight above ``model.KEEP_WEIGHT``), then the
    clustering's ``clusters`` and ``identity_conflicts``, stable ids' ``entities``, and
    ``linkage_stats(stage, seconds, pairs)``; saves the model to
    ``<workspace>/linkage_model.json``.

    ``retrain``: None (default) re-estimates the parameters on this data when it has
    at least ``training.MIN_RECORDS_TO_TRAIN`` records and otherwise keeps the
    starting model's; True/False force it. ``start_from``: a model JSON to start from
    (default: the committed ``linkage_models/default_model.json``). ``must_link`` /
    ``cannot_link``: officers' decisions as pairs of this run's record keys
    (``notoneless.decisions.honour``), honoured by clustering whatever the model says.
    """
    with staging_settings(con):  # the workspace's tables are rebuilt every run
        from notoneless.linkage import clustering, stable_ids  # H4b's stage

        say = on_progress or (lambda _m: None)
        scored = score(con, settings, on_progress=on_progress, retrain=retrain, start_from=start_from)
        seconds, stats = scored.seconds, scored.stats

        must_link, cannot_link = list(must_link), list(cannot_link)

        # The second clustering re-clusters only the components the household pass
        # changed (clustering.LinkClustering); each clustering's stages go to the stats.
        clusterer = clustering.LinkClustering(
            con,
            threshold_probability=model.MATCH_THRESHOLD,
            review_band=model.REVIEW_BAND,
            must_link=must_link,
            cannot_link=cannot_link,
        )

        def cluster(prefix: str) -> None:
            report = clusterer.run()
            for stage, s in report.stage_seconds.items():
                stats.append((f"{prefix}:{stage}", s, None))
            if report.changed_records is not None:
                stats.append((f"{prefix}:changed_records", 0.0, report.changed_records))

        try:
            t = time.perf_counter()
            say("聚类（含双胞胎防护）")
            households.reset(con)  # no relative's ID known before the first clustering
            cluster("clustering")
            seconds["clustering"] = time.perf_counter() - t
            stats.append(("clustering", seconds["clustering"], None))

            # Households as evidence (households.py): first-pass persons match households; a
            # valid ID number that is a family member's is no evidence; a family's households
            # count as one household; relations to the head tell a family's members apart.
            # The changed pairs are scored again and clustered again.
            t = time.perf_counter()
            say("以户为证据的第二轮（户匹配、家庭成员证件号、与户主关系）")
            lap = time.perf_counter()

            def step(name: str) -> None:
                nonlocal lap
                now = time.perf_counter()
                stats.append((f"households:{name}", now - lap, None))
                lap = now

            matched = households.match_households(con)
            relatives = households.find_relative_ids(con)
            if relatives:
                households.drop_evidence_of_relative_ids(con)
            marked = households.mark_families(con)
            step("match")
            rescored = adjusted = 0
            if relatives or marked:
                rescored = households.rescore(con, training.load_model_dict(scored.model_path), PREDICTIONS_TABLE)
                step("rescore")
                households.family_levels(con)
                adjusted = households.apply_family_weights(con, PREDICTIONS_TABLE, households.family_weights(con))
                step("relations")
                cluster("households:clustering")
                step("clustering")
        finally:
            clusterer.close()
        households.drop_temp_tables(con)
        seconds["households"] = time.perf_counter() - t
        stats.append(("households", seconds["households"], None))
        for label, n in (("matched_pairs", matched), ("relative_ids", relatives), ("family_records", marked),
                         ("rescored_pairs", rescored), ("relation_adjusted_pairs", adjusted)):
            stats.append((f"households:{label}", 0.0, n))

        t = time.perf_counter()
        say("分配稳定的人员编号")
        stable_ids.assign_person_ids(con, history_path=settings.paths.history, run_id=run_id)
        seconds["person_ids"] = time.perf_counter() - t
        stats.append(("person_ids", seconds["person_ids"], None))

        con.execute("CREATE OR REPLACE TABLE linkage_stats (stage VARCHAR, seconds DOUBLE, pairs BIGINT)")
        con.executemany("INSERT INTO linkage_stats VALUES (?, ?, ?)", stats)
        (persons,) = con.execute("SELECT count(DISTINCT person_id) FROM entities").fetchall()[0]
        (conflicts,) = con.execute("SELECT count(*) FROM identity_conflicts").fetchall()[0]
        return LinkReport(
            records=scored.records,
            pairs_compared=scored.pairs,
            persons=int(persons),
            conflicts=int(conflicts),
            seconds=seconds,
            pairs_per_rule=scored.pairs_per_rule,
            trained=scored.trained,
            model_path=scored.model_path,
            engine=scored.engine,
        )
