"""Linkage at scale: about a million person records (issue 6 acceptance).

    .venv/bin/python benchmarks/linkage_scale.py [--counties 16] [--children 15000] [--seed 777] [--out DIR]
                                                 [--engine duckdb|spark] [--profile default|hard]

Generates and ingests the bundle (not timed as linkage), then links it in a fresh
process with ``notoneless.linkage.link`` (DuckDB on 2 threads) and prints the time
per stage (prepare, training, blocking, prediction, clustering, person ids), the
number of compared pairs per blocking rule, and the peak memory of that process;
then the same for a plain Splink 5 model (standard comparison library) on the same
data, and the ratio; then exact matching on the normalised ID number, and the identity
conflicts our linkage found. ``--engine spark``: our linkage on DuckDB and on Spark (local mode,
NOTONELESS_LINKAGE_ENGINE=spark) in the same run instead of the plain model, each trained
on the data, with the pairwise F1 between the two engines' persons. Targets: < 10 min and < 8 GiB (issue 6), and within about 2x of
the plain model's time (the project's own bound). Accuracy against the truth is
printed too (the same measure as linkage_accuracy.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import linkage_bench as lb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", type=int, default=16)
    ap.add_argument("--children", type=int, default=15000)
    ap.add_argument("--seed", type=int, default=777)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="reuse OUT/linkage.duckdb if it exists")
    ap.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                    help="spark: our linkage on Spark beside DuckDB (instead of the plain Splink model)")
    ap.add_argument("--profile", choices=("default", "hard"), default="default",
                    help="the generator's profile (synth.rates.PROFILES): hard = village lists typed by hand")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="notoneless-scale-"))
    db = out / "linkage.duckdb"
    if not (args.reuse and db.is_file()):
        db = lb.prepare(out, counties=args.counties, children=args.children, seed=args.seed, profile=args.profile)

    print(f"\nload average before linking: {os.getloadavg()[0]:.1f} (2 cores; other work on the machine slows every figure)")
    ours = lb.run_worker("ours", db, out / "ws_ours")
    if args.engine == "spark":
        engines(ours, db, out)
        return
    print(f"load average before plain Splink: {os.getloadavg()[0]:.1f}")
    plain = lb.run_worker("plain", db, out / "ws_plain")
    exact = lb.run_worker("exact", db, out / "ws_exact")

    print("\nNotOneLess linkage:")
    for stage, s in ours["seconds"].items():
        print(f"  {stage:<12} {s:8.1f} s")
    print(f"  {'total':<12} {ours['wall_seconds']:8.1f} s   CPU {ours.get('cpu_seconds', float('nan')):.1f} s   "
          f"peak memory {ours['peak_rss_gib']:.2f} GiB")
    print(f"  compared pairs {ours['pairs']:,}:")
    for rule, n in ours["pairs_per_rule"].items():
        print(f"    {rule:<16} {n:>12,}")
    print("\nplain Splink 5 on the same data:")
    for stage, s in plain["seconds"].items():
        print(f"  {stage:<12} {s:8.1f} s")
    print(f"  {'total':<12} {plain['wall_seconds']:8.1f} s   CPU {plain.get('cpu_seconds', float('nan')):.1f} s   "
          f"peak memory {plain['peak_rss_gib']:.2f} GiB   compared pairs {plain['pairs']:,}")
    ratio = ours["wall_seconds"] / plain["wall_seconds"]
    cpu_ratio = ours.get("cpu_seconds", float("nan")) / plain.get("cpu_seconds", float("nan"))
    print(f"\ntime ratio ours / plain: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x")
    print("\naccuracy on this data:")
    lb.print_result("NotOneLess", ours)
    lb.print_result("plain Splink 5", plain)
    lb.print_result("exact normalised ID", exact)
    print(f"\nidentity conflicts (what the linkage hands to the review queue; the run queues those whose "
          f"decision changes something, benchmarks/review_queue.py): {ours['queue']:,} = "
          f"{100 * ours['queue'] / ours['persons']:.2f} % of {ours['persons']:,} persons")
    print("\ntargets:")
    for label, ok in [
        ("under 10 minutes", ours["wall_seconds"] < 600),
        ("under 8 GiB", ours["peak_rss_gib"] < 8),
        ("within 2x of plain Splink's time (wall)", ratio <= 2.0),
        ("within 2x of plain Splink's time (CPU)", cpu_ratio <= 2.0),
    ]:
        print(f"  [{'met' if ok else 'NOT met'}] {label}")
    print(f"\ndata kept in {out}")


def engines(ours: dict, db: Path, out: Path) -> None:
    """Our linkage on Spark beside the DuckDB run ``ours``: time per stage, memory, accuracy,
    and how the two engines' persons agree."""
    import duckdb

    from notoneless.evaluation import cluster_agreement

    print(f"load average before Spark: {os.getloadavg()[0]:.1f}")
    spark = lb.run_worker("ours_spark", db, out / "ws_spark")
    print("\nNotOneLess linkage, DuckDB and Spark (local mode), each trained on this data:")
    print(f"  {'stage':<12} {'DuckDB':>9} {'Spark':>9}")
    for stage in ours["seconds"]:
        print(f"  {stage:<12} {ours['seconds'][stage]:8.1f}s {spark['seconds'].get(stage, float('nan')):8.1f}s")
    print(f"  {'total':<12} {ours['wall_seconds']:8.1f}s {spark['wall_seconds']:8.1f}s")
    print(f"  {'CPU (Python)':<12} {ours['cpu_seconds']:8.1f}s {spark['cpu_seconds']:8.1f}s   (the Spark JVM's CPU is not in it)")
    print(f"  peak memory: DuckDB process {ours['peak_rss_gib']:.2f} GiB; Spark: Python {spark['peak_rss_gib']:.2f} GiB "
          f"+ JVM {spark.get('jvm_peak_rss_gib', float('nan')):.2f} GiB")
    print(f"  compared pairs: DuckDB {ours['pairs']:,}, Spark {spark['pairs']:,}")
    print("\naccuracy on this data:")
    lb.print_result("NotOneLess on DuckDB", ours)
    lb.print_result("NotOneLess on Spark", spark)
    con = duckdb.connect()
    read = lambda ws: dict(con.execute(f"SELECT record_key, person_id FROM '{ws / 'persons.parquet'}'").fetchall())
    agreement = cluster_agreement(read(out / "ws_ours"), read(out / "ws_spark"))
    print(f"\nDuckDB vs Spark persons: pairwise F1 {agreement.f1:.6f} over {agreement.pairs_a:,} linked pairs; "
          f"only DuckDB {len(agreement.only_a)}, only Spark {len(agreement.only_b)}")
    for pair in (agreement.only_a + agreement.only_b)[:10]:
        print(f"    {pair}")
    print(f"\ndata kept in {out}")


if __name__ == "__main__":
    main()
