"""Officers' decisions as labelled pairs: how good is the model on the pairs officers judged?

    # the decisions of a deployment, against the workspace of its last run
    .venv/bin/notoneless decisions export labels.csv
    .venv/bin/python benchmarks/decision_labels.py --labels labels.csv --workspace .notoneless

    # a simulation: generate a bundle with its answer key, link it, let "officers" judge
    # every pair of the review queue from the answer key, then measure
    .venv/bin/python benchmarks/decision_labels.py --simulate [--counties 2] [--children 3000] [--seed 7]

On the labelled pairs it prints the model's precision / recall / F1 at the match
threshold twice: pair by pair (the raw Splink score of the pair, before clustering and
before any decision) and by cluster (the two records in one cluster). The simulation
also prints the pairwise accuracy over all records against the answer key: the model
alone, the model with the decisions honoured (must-link / cannot-link), and the model
with its m-probabilities re-estimated from the "same person" labels (Splink's
``estimate_m_from_pairwise_labels``), to say whether the labels are worth feeding back.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import linkage_bench as lb  # noqa: E402
from peak_memory import peak_rss_gib  # noqa: E402


def load_labels(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """``labels(record_key_l, record_key_r, label)``: the exported pairs mapped by
    fingerprint to the workspace's records (pairs whose records vanished are dropped)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    con.register("__labels_in", pa.table({
        "fp_a": [r["fingerprint_a"] for r in rows], "fp_b": [r["fingerprint_b"] for r in rows],
        "label": [int(r["label"]) for r in rows],
    }))
    con.execute(
        """
        CREATE OR REPLACE TABLE labels AS
        SELECT DISTINCT least(a.record_key, b.record_key) AS record_key_l,
               greatest(a.record_key, b.record_key) AS record_key_r, l.label
        FROM __labels_in l
        JOIN person_records a ON a.fingerprint = l.fp_a
        JOIN person_records b ON b.fingerprint = l.fp_b
        """
    )
    con.unregister("__labels_in")
    print(f"labelled pairs: {len(rows):,} exported, "
          f"{con.execute('SELECT count(*) FROM labels').fetchone()[0]:,} record pairs in this workspace")
    return len(rows)


def measure(con: duckdb.DuckDBPyConnection, threshold: float) -> dict[str, dict[str, float]]:
    """Precision / recall / F1 on ``labels``: pair-level (raw score >= threshold) and cluster-level."""
    rows = con.execute(
        """
        WITH both_ways AS (  -- two equi-joins: an OR condition would be a nested loop
            SELECT l.record_key_l, l.record_key_r, p.match_probability FROM labels l
            JOIN predictions p ON p.record_key_l = l.record_key_l AND p.record_key_r = l.record_key_r
            UNION ALL
            SELECT l.record_key_l, l.record_key_r, p.match_probability FROM labels l
            JOIN predictions p ON p.record_key_l = l.record_key_r AND p.record_key_r = l.record_key_l
        ),
        scored AS (
            SELECT l.record_key_l, l.record_key_r, l.label, coalesce(max(b.match_probability), 0) AS p
            FROM labels l LEFT JOIN both_ways b USING (record_key_l, record_key_r)
            GROUP BY ALL
        )
        SELECT s.label, s.p >= $t AS pair_same, ca.cluster_id = cb.cluster_id AS cluster_same
        FROM scored s
        JOIN clusters ca ON ca.record_key = s.record_key_l
        JOIN clusters cb ON cb.record_key = s.record_key_r
        """,
        {"t": threshold},
    ).fetchall()
    out = {}
    for i, level in ((1, "pair"), (2, "cluster")):
        tp = sum(1 for r in rows if r[0] == 1 and r[i])
        fp = sum(1 for r in rows if r[0] == 0 and r[i])
        fn = sum(1 for r in rows if r[0] == 1 and not r[i])
        p = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        out[level] = {"tp": tp, "fp": fp, "fn": fn, "tn": len(rows) - tp - fp - fn, "precision": p, "recall": rec,
                      "f1": 2 * p * rec / (p + rec) if p + rec else 0.0}
    return out


def print_measure(title: str, m: dict[str, dict[str, float]]) -> None:
    print(title)
    for level, r in m.items():
        print(f"  {level:<8} precision {r['precision']:.4f}  recall {r['recall']:.4f}  F1 {r['f1']:.4f}  "
              f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']}, tn {r['tn']})")


def overall(con: duckdb.DuckDBPyConnection, label: str) -> dict:
    con.execute("CREATE OR REPLACE TABLE method_persons AS SELECT record_key, cluster_id AS person_id FROM clusters")
    r = lb.pairwise(con)
    print(f"  {label:<44} precision {r['precision']:.5f}  recall {r['recall']:.5f}  F1 {r['f1']:.5f}  "
          f"twins merged {r['twins_merged']}")
    return r


def simulate(args: argparse.Namespace) -> None:
    from notoneless.config import Settings
    from notoneless.linkage import model, scoring
    from notoneless.linkage.clustering import cluster_records

    out = args.out or Path(tempfile.mkdtemp(prefix="notoneless-labels-"))
    db = lb.prepare(out, counties=args.counties, children=args.children, seed=args.seed)
    con = duckdb.connect(str(db))
    con.execute(f"SET threads = {lb.THREADS}")
    settings = Settings(workspace=out / "ws")
    t = time.perf_counter()
    scoring.link(con, settings, run_id="labels")
    print(f"link: {time.perf_counter() - t:.1f} s")
    # the officers: every pair of the review queue, judged from the answer key
    con.execute(
        """
        CREATE OR REPLACE TABLE labels AS
        SELECT DISTINCT c.record_key_l, c.record_key_r,
               (ta.true_person_id = tb.true_person_id)::INT AS label
        FROM identity_conflicts c
        JOIN truth_persons ta ON ta.record_key = c.record_key_l
        JOIN truth_persons tb ON tb.record_key = c.record_key_r
        """
    )
    n, same = con.execute("SELECT count(*), sum(label) FROM labels").fetchone()
    print(f"review queue judged from the answer key: {n:,} pairs ({same or 0:,} same person)")
    threshold, band = model.MATCH_THRESHOLD, model.REVIEW_BAND
    print_measure("the model on the judged pairs:", measure(con, threshold))

    print("pairwise accuracy over all records (answer key):")
    overall(con, "model alone")
    must = con.execute("SELECT record_key_l, record_key_r FROM labels WHERE label = 1").fetchall()
    cannot = con.execute("SELECT record_key_l, record_key_r FROM labels WHERE label = 0").fetchall()
    cluster_records(con, threshold_probability=threshold, review_band=band, must_link=must, cannot_link=cannot)
    overall(con, "model + decisions honoured")

    # feed the "same person" labels back: m-probabilities estimated from them
    spec = scoring.training.load_model_dict(settings.workspace / "linkage_model.json")
    linker = scoring.make_linker(con, spec)
    con.execute("CREATE OR REPLACE TABLE labels_same AS SELECT record_key_l, record_key_r FROM labels WHERE label = 1")
    if must:
        linker.training.estimate_m_from_pairwise_labels("labels_same")
        relabelled = out / "model_m_from_labels.json"
        linker.misc.save_model_to_json(str(relabelled), overwrite=True)
        scoring.score(con, Settings(workspace=out / "ws_m"), retrain=False, start_from=relabelled)
        cluster_records(con, threshold_probability=threshold, review_band=band)
        overall(con, "model with m estimated from the labels")
        print_measure("that model on the judged pairs:", measure(con, threshold))
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", type=Path, help="CSV from `notoneless decisions export`")
    ap.add_argument("--workspace", type=Path, help="the workspace of the last run (holds linkage.duckdb)")
    ap.add_argument("--simulate", action="store_true")
    ap.add_argument("--counties", type=int, default=2)
    ap.add_argument("--children", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    started = time.perf_counter()
    if args.simulate:
        simulate(args)
    elif args.labels and args.workspace:
        from notoneless.linkage import model

        con = duckdb.connect(str(args.workspace / "linkage.duckdb"), read_only=True)
        con.execute("SET threads = 2")
        mem = duckdb.connect()
        for table in ("person_records", "predictions", "clusters"):
            mem.register(f"__{table}", con.sql(f"SELECT * FROM {table}").to_arrow_table())
            mem.execute(f"CREATE TABLE {table} AS SELECT * FROM __{table}")
        con.close()
        load_labels(mem, args.labels)
        print_measure("the model on the officers' labelled pairs (by cluster: the run honoured them):",
                      measure(mem, model.MATCH_THRESHOLD))
    else:
        ap.error("give --labels and --workspace, or --simulate")
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\ntime {time.perf_counter() - started:.1f} s (CPU {ru.ru_utime + ru.ru_stime:.1f} s), "
          f"peak {peak_rss_gib():.2f} GiB")


if __name__ == "__main__":
    main()
