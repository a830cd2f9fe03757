"""Linkage accuracy against the generator's answer key (issue 6 acceptance).

    .venv/bin/python benchmarks/linkage_accuracy.py [--counties 3] [--children 5000] [--seed 20261125] [--dirt 1]
        [--profile default|hard|both] [--out DIR]

Generates a bundle (seed not used while developing the model), ingests it, and on the
same data, each in its own process (own time, own peak memory), runs:

- ours: ``notoneless.linkage.link`` (trained from scratch on this data: u by random
  sampling, m by EM; the truth is read only afterwards, to score);
- exact matching on the normalised ID number;
- a plain Splink 5 model with the standard comparison library only.

Prints pairwise precision / recall / F1 over record pairs, "twins merged: N", the
review queue (rows of ``identity_conflicts``, and as % of persons), our wrong record
pairs by the source files of the pair, and the targets: precision >= 0.995, recall
>= 0.99, recall >= exact-ID recall + 0.10. With ``--profile both`` the default and
the hard profile (hand-typed village lists) one after the other, then one summary
line per profile.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

import linkage_bench as lb  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", type=int, default=3)
    ap.add_argument("--children", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--dirt", type=float, default=1.0,
                    help="ID/name dirt rates times this (synth.rates.scaled_dirt): 1 = average county, 3 = hand-typed lists")
    ap.add_argument("--profile", choices=("default", "hard", "both"), default="default",
                    help="the generator's profile (synth.rates.PROFILES): hard = village lists typed by hand; both = one after the other")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="notoneless-accuracy-"))
    profiles = ("default", "hard") if args.profile == "both" else (args.profile,)
    table = {}
    for profile in profiles:
        print(f"\n=== profile {profile} ===", flush=True)
        table[profile] = run_profile(out / profile if len(profiles) > 1 else out, profile, args)
    print_table(table, args)
    print(f"\ndata and workspaces kept in {out}")


def run_profile(out: Path, profile: str, args: argparse.Namespace) -> dict:
    db = lb.prepare(out, counties=args.counties, children=args.children, seed=args.seed, dirt=args.dirt,
                    profile=profile)
    con = duckdb.connect(str(db), read_only=True)
    records = con.execute("SELECT count(*) FROM person_records").fetchall()[0][0]
    con.close()
    results = {"records": records}
    for method in ("exact", "ours", "plain"):
        results[method] = lb.run_worker(method, db, out / f"ws_{method}")

    print("\nblocking rules of our model (Splink blocking_analysis, exact counts, marginal / cumulative):")
    for row in lb.blocking_counts(db):
        print(f"  {row['rule']:<16} {row['marginal']:>12,} {row['cumulative']:>12,}")

    print(f"\npairwise accuracy over record pairs ({results['ours']['true_pairs']:,} true pairs):")
    lb.print_result("NotOneLess (Splink 5 + Chinese)", results["ours"])
    lb.print_result("exact normalised ID", results["exact"])
    lb.print_result("plain Splink 5 (library only)", results["plain"])
    ours, exact = results["ours"], results["exact"]
    print(f"\ntwins merged: {ours['twins_merged']}")
    print(f"review queue (identity_conflicts): {ours['queue']:,} = {100 * ours['queue'] / ours['persons']:.2f} % "
          f"of {ours['persons']:,} persons")
    print("our wrong record pairs by the sources of the pair (top 6):")
    for kind in ("merged", "split"):
        top = list(ours["errors_by_sources"][kind].items())[:6]
        print(f"  {kind:<7} " + (", ".join(f"{k} {n:,}" for k, n in top) or "none"))
    for by, what in (("case", "planted situations of the true persons (truth/hard_cases.csv)"),
                     ("dirt", "dirt of the two records (truth/dirt.csv)")):
        print(f"the same by the {what}; top 8:")
        for kind in ("merged", "split"):
            top = list(ours["errors_by_sources"][f"{kind}_by_{by}"].items())[:8]
            print(f"  {kind:<7} " + (", ".join(f"{k} {n:,}" for k, n in top) or "none"))

    checks = [
        ("precision >= 0.995", ours["precision"] >= 0.995),
        ("recall >= 0.99", ours["recall"] >= 0.99),
        (f"recall >= exact-ID recall + 0.10 ({exact['recall']:.4f} + 0.10)", ours["recall"] >= exact["recall"] + 0.10),
        ("F1 above plain Splink", ours["f1"] > results["plain"]["f1"]),
        ("no twins merged", ours["twins_merged"] == 0),
    ]
    print("\ntargets:")
    for label, ok in checks:
        print(f"  [{'met' if ok else 'NOT met'}] {label}")
    print(f"  recall gain over exact ID: {100 * (ours['recall'] - exact['recall']):.2f} points "
          f"(at most {100 * (1 - exact['recall']):.2f} possible on this data; --dirt {args.dirt:g})")
    return results


def print_table(table: dict, args: argparse.Namespace) -> None:
    """One line per profile: the figures of issue 22's table, from this run."""
    print(f"\nsummary: {args.counties} counties x {args.children:,} children, seed {args.seed}, dirt x{args.dirt:g}")
    print(f"{'profile':<8} {'records':>8} | {'NotOneLess P / R / F1':<26} | {'plain Splink 5 P / R / F1':<26} | "
          f"{'exact ID P / R':<16} | twins merged | review queue (% persons) | ours time, peak | plain time, peak")
    for profile, r in table.items():
        o, p, e = r["ours"], r["plain"], r["exact"]
        print(f"{profile:<8} {r['records']:>8,} | {o['precision']:.4f} / {o['recall']:.4f} / {o['f1']:.4f} | "
              f"{p['precision']:.4f} / {p['recall']:.4f} / {p['f1']:.4f} | {e['precision']:.4f} / {e['recall']:.4f} | "
              f"{o['twins_merged']:>12} | {o['queue']:>7,} ({100 * o['queue'] / o['persons']:.2f} %)        | "
              f"{o['wall_seconds']:.0f} s, {o['peak_rss_gib']:.2f} GiB | {p['wall_seconds']:.0f} s, {p['peak_rss_gib']:.2f} GiB")


if __name__ == "__main__":
    main()
