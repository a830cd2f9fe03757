"""Shared machinery of benchmarks/linkage_accuracy.py and benchmarks/linkage_scale.py.

- ``prepare``: generate a bundle with the generator's Python API, ingest it into a
  DuckDB file with ``bundle.ingest_bundle``, and load the generator's answer key
  (``truth/persons.csv``) into ``truth_persons`` — for *measuring* only; no model
  ever reads it.
- ``run_worker``: run one linkage method in a fresh Python process on that file, so
  that each method's time and peak memory (``peak_memory.peak_rss_gib``: VmHWM of its own process) are its own.
  Methods: ``ours`` (notoneless.linkage.link), ``ours_spark`` (the same on Spark), ``plain`` (Splink 5's comparison
  library only, below), ``exact`` (one person per normalised ID number).
- ``pairwise``: precision / recall / F1 over record pairs against the truth.

Run a worker by hand: ``python benchmarks/linkage_bench.py worker ours DB WORKSPACE``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from peak_memory import peak_rss_gib

THREADS = 2


def prepare(out: Path, *, counties: int, children: int, seed: int, dirt: float = 1.0, profile: str = "default") -> Path:
    from notoneless.bundle import ingest_bundle
    from notoneless.synth.generate import generate_bundle
    from notoneless.synth.rates import world_config

    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    summary = generate_bundle(
        out, world_config(profile, dirt, counties=counties, children_per_county=children, seed=seed)
    )
    print(f"generate: {counties} counties x {children:,} children, seed {seed}, profile {profile}: "
          f"ID/name dirt x{dirt:g}: {summary.person_records:,} person records of {summary.persons:,} true persons "
          f"({time.perf_counter() - t:.1f} s)", flush=True)
    db = out / "linkage.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute(f"SET threads = {THREADS}")
    t = time.perf_counter()
    ingest_bundle(summary.bundle_dir, con, workspace_aliases=None)
    n = con.execute("SELECT count(*) FROM person_records").fetchall()[0][0]
    print(f"ingest: {n:,} accepted person records ({time.perf_counter() - t:.1f} s)", flush=True)
    load_truth(con, summary.truth_dir)
    con.close()
    return db


def load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    """The generator's answer key as tables ``worker`` scores against: truth_persons,
    truth_hard_cases, truth_dirt."""
    con.execute(
        f"""CREATE OR REPLACE TABLE truth_persons AS
            SELECT record_key, true_person_id
            FROM read_csv('{(truth_dir / "persons.csv").as_posix()}', header = true, all_varchar = true)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE truth_hard_cases AS
            SELECT * FROM read_csv('{(truth_dir / "hard_cases.csv").as_posix()}', header = true, all_varchar = true)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE truth_dirt AS
            SELECT * FROM read_csv('{(truth_dir / "dirt.csv").as_posix()}', header = true, all_varchar = true)"""
    )


# --- methods -------------------------------------------------------------------


def _ours(con: duckdb.DuckDBPyConnection, workspace: Path, engine: str = "duckdb") -> dict:
    from notoneless.config import Settings
    from notoneless.linkage import link

    settings = Settings(workspace=workspace, linkage_engine=engine, spark_master=f"local[{THREADS}]",
                        spark_driver_memory="4g")
    report = link(con, settings, run_id="bench", retrain=True, start_from=_fresh_model(workspace))
    con.execute("CREATE OR REPLACE TABLE method_persons AS SELECT record_key, person_id FROM entities")
    # kept for comparing two methods' persons (linkage_scale.py --engine spark)
    con.execute(f"COPY method_persons TO '{(workspace / 'persons.parquet').as_posix()}' (FORMAT parquet)")
    out = {"seconds": report.seconds, "pairs": report.pairs_compared, "pairs_per_rule": report.pairs_per_rule,
           "conflicts": report.conflicts, "engine": report.engine}
    if engine == "spark":
        out["jvm_peak_rss_gib"] = _spark_jvm_peak_gib()
    return out


def _ours_spark(con: duckdb.DuckDBPyConnection, workspace: Path) -> dict:
    """Ours with NOTONELESS_LINKAGE_ENGINE=spark: Splink on Spark in local mode (local[THREADS])."""
    return _ours(con, workspace, engine="spark")


def _spark_jvm_peak_gib() -> float:
    """Peak resident memory of the Spark JVM (local mode: driver and executor in one process,
    a child of this one, not counted in this process's peak)."""
    from pyspark import SparkContext

    sc = SparkContext._active_spark_context
    pid = sc._gateway.proc.pid if sc is not None and sc._gateway is not None else None
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def _fresh_model(workspace: Path) -> Path:
    """Train from the untrained model the code defines, not from a committed default,
    so the benchmark measures training on this data."""
    from notoneless.linkage.training import fresh_model_dict

    workspace.mkdir(parents=True, exist_ok=True)
    p = workspace / "untrained_model.json"
    p.write_text(json.dumps(fresh_model_dict(), ensure_ascii=False), encoding="utf-8")
    return p


def plain_settings():
    """A plain Splink 5 model: the standard comparison library on the raw columns,
    no Chinese features (no ID repair, no pinyin, no household)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        comparisons=[
            cl.LevenshteinAtThresholds("id_raw", [1, 2]),
            cl.JaroWinklerAtThresholds("name_raw", [0.9, 0.8]),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.ExactMatch("village_code"),
        ],
        blocking_rules_to_generate_predictions=[block_on("id_raw"), block_on("name_raw", "birth_date")],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _plain(con: duckdb.DuckDBPyConnection, workspace: Path) -> dict:
    import logging

    from splink import DuckDBAPI, Linker, block_on

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    # Blank texts as NULL, as Splink's own data-preparation advice has it: a blank ID number
    # is no ID number. Left as '', block_on("id_raw") paired every record without one with
    # every other (16.7M of 17.5M pairs at 1M) and clustered 6,643 of them as one child.
    con.execute(
        """CREATE OR REPLACE TABLE plain_input AS
           SELECT record_key, nullif(trim(id_raw), '') AS id_raw, nullif(trim(name_raw), '') AS name_raw,
                  birth_date, nullif(trim(sex), '') AS sex, nullif(trim(village_code), '') AS village_code
           FROM person_records"""
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("plain_input"), plain_settings(), log_level=None)
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)
    linker.training.estimate_probability_two_random_records_match([block_on("id_raw")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_raw"), max_pairs=1.5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"), max_pairs=1.5e6)
    seconds["training"] = time.perf_counter() - t
    t = time.perf_counter()
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
    seconds["blocking"] = time.perf_counter() - t
    t = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    seconds["prediction"] = time.perf_counter() - t
    t = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=0.95)
    con.execute(
        f"CREATE OR REPLACE TABLE method_persons AS SELECT record_key, cluster_id AS person_id "
        f"FROM {clusters.physical_name}"
    )
    seconds["clustering"] = time.perf_counter() - t
    return {"seconds": seconds, "pairs": int(pairs)}


def _exact(con: duckdb.DuckDBPyConnection, workspace: Path) -> dict:
    t = time.perf_counter()
    con.execute(
        """CREATE OR REPLACE TABLE method_persons AS
           SELECT record_key, coalesce(id_norm, record_key) AS person_id FROM person_records"""
    )
    return {"seconds": {"total": time.perf_counter() - t}, "pairs": 0}


METHODS = {"ours": _ours, "ours_spark": _ours_spark, "plain": _plain, "exact": _exact}


# --- scoring -------------------------------------------------------------------


def pairwise(con: duckdb.DuckDBPyConnection) -> dict:
    """Pairwise precision/recall/F1 of ``method_persons`` against ``truth_persons``
    (over the records present in both), and how many twin pairs were merged."""
    row = con.execute(
        """
        WITH j AS (
            SELECT m.person_id, t.true_person_id
            FROM method_persons m JOIN truth_persons t USING (record_key)
        ),
        cells AS (SELECT person_id, true_person_id, count(*) AS n FROM j GROUP BY ALL),
        pred AS (SELECT person_id, count(*) AS n FROM j GROUP BY ALL),
        tru AS (SELECT true_person_id, count(*) AS n FROM j GROUP BY ALL)
        SELECT
            (SELECT sum(n * (n - 1) / 2) FROM cells) AS tp,
            (SELECT sum(n * (n - 1) / 2) FROM pred) AS predicted,
            (SELECT sum(n * (n - 1) / 2) FROM tru) AS actual
        """
    ).fetchall()[0]
    tp, predicted, actual = (float(x or 0) for x in row)
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    twins_merged = con.execute(
        """
        WITH twins AS (SELECT DISTINCT true_person_id FROM truth_hard_cases WHERE "case" = 'twin'),
        j AS (
            SELECT DISTINCT m.person_id, t.true_person_id
            FROM method_persons m JOIN truth_persons t USING (record_key)
            WHERE t.true_person_id IN (SELECT true_person_id FROM twins)
        )
        SELECT count(*) FROM j a JOIN j b ON a.person_id = b.person_id AND a.true_person_id < b.true_person_id
        """
    ).fetchall()[0][0]
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": int(actual),
            "predicted_pairs": int(predicted), "twins_merged": int(twins_merged)}


def worker(method: str, db: Path, workspace: Path) -> dict:
    con = duckdb.connect(str(db))
    con.execute(f"SET threads = {THREADS}")
    t = time.perf_counter()
    out = METHODS[method](con, workspace)
    out["wall_seconds"] = time.perf_counter() - t
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out["peak_rss_gib"] = peak_rss_gib()
    # CPU seconds (user + system) of this process: on a shared machine wall time
    # depends on the other work, CPU time much less so.
    out["cpu_seconds"] = ru.ru_utime + ru.ru_stime
    out.update(pairwise(con))
    out["persons"] = con.execute("SELECT count(DISTINCT person_id) FROM method_persons").fetchall()[0][0]
    if method == "ours":
        out["queue"] = con.execute("SELECT count(*) FROM identity_conflicts").fetchall()[0][0]
        out["errors_by_sources"] = error_pairs(con)
    con.close()
    return out


def error_pairs(con: duckdb.DuckDBPyConnection) -> dict:
    """Wrong record pairs of ``method_persons`` by the two source files of the pair:
    ``merged`` (one predicted person, two true persons) and ``split`` (one true person,
    two predicted persons), e.g. ``{"merged": {"fupin-hukou": 12}, ...}``."""
    out = {}
    for kind, same, differ in (("merged", "person_id", "true_person_id"), ("split", "true_person_id", "person_id")):
        rows = con.execute(
            f"""
            WITH j AS (
                SELECT m.record_key, split_part(m.record_key, ':', 1) AS src, m.person_id, t.true_person_id
                FROM method_persons m JOIN truth_persons t USING (record_key)
            )
            SELECT least(a.src, b.src) || '-' || greatest(a.src, b.src) AS sources, count(*) AS n
            FROM j a JOIN j b ON a.{same} = b.{same} AND a.{differ} <> b.{differ} AND a.record_key < b.record_key
            GROUP BY ALL ORDER BY n DESC
            """
        ).fetchall()
        out[kind] = {k: int(n) for k, n in rows}
        # the same wrong pairs by the planted situations of the true persons involved
        # (truth/hard_cases.csv) and by the dirt of the two records (truth/dirt.csv); a
        # pair counts once under each label of either side, "(none)" if it has none
        for by, labels, side in (("case", 'SELECT DISTINCT true_person_id AS k, "case" AS label FROM truth_hard_cases', "p"),
                                 ("dirt", "SELECT DISTINCT record_key AS k, kind AS label FROM truth_dirt", "r")):
            rows = con.execute(
                f"""
                WITH j AS (
                    SELECT m.record_key, m.person_id, t.true_person_id
                    FROM method_persons m JOIN truth_persons t USING (record_key)
                ),
                wrong AS (
                    SELECT row_number() OVER () AS w, a.true_person_id AS pa, b.true_person_id AS pb,
                           a.record_key AS ra, b.record_key AS rb
                    FROM j a JOIN j b ON a.{same} = b.{same} AND a.{differ} <> b.{differ} AND a.record_key < b.record_key
                ),
                labels AS ({labels})
                SELECT coalesce(label, '(none)') AS label, count(*) AS n FROM (
                    SELECT DISTINCT w.w, l.label
                    FROM wrong w LEFT JOIN labels l ON l.k IN (w.{side}a, w.{side}b)
                ) GROUP BY ALL ORDER BY n DESC
                """
            ).fetchall()
            out[f"{kind}_by_{by}"] = {k: int(n) for k, n in rows}
    return out


def run_worker(method: str, db: Path, workspace: Path) -> dict:
    """Run ``worker`` in a fresh process; its last stdout line is the JSON result."""
    proc = subprocess.run(
        [sys.executable, __file__, "worker", method, str(db), str(workspace)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{method} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def blocking_counts(db: Path) -> list[dict]:
    """Splink's blocking analysis of our prediction rules on ``linkage_input`` (exact counts)."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from notoneless.linkage.model import BLOCKING_RULE_LABELS, blocking_rules

    con = duckdb.connect(str(db))
    con.execute(f"SET threads = {THREADS}")
    db_api = DuckDBAPI(connection=con)
    records = count_comparisons_from_blocking_rules(
        db_api.register("linkage_input"),
        blocking_rules=blocking_rules(),
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        record_sample_proportion=1.0,
    )
    con.close()
    return [{"rule": label, "marginal": int(r["marginal_comparison_count"]),
             "cumulative": int(r["cumulative_comparison_count"])}
            for label, r in zip(BLOCKING_RULE_LABELS, records, strict=True)]


def print_result(name: str, r: dict) -> None:
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in r["seconds"].items())
    print(f"  {name:<34} precision {r['precision']:.5f}  recall {r['recall']:.5f}  F1 {r['f1']:.5f}  "
          f"twins merged: {r['twins_merged']}  time {r['wall_seconds']:.1f} s (CPU {r.get('cpu_seconds', float('nan')):.1f} s)  "
          f"peak {r['peak_rss_gib']:.2f} GiB")
    if secs:
        print(f"  {'':<34} stages: {secs}; compared pairs {r['pairs']:,}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        print(json.dumps(worker(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
    else:
        sys.exit(__doc__)
