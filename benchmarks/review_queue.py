"""The review queue an officer can finish (issue 22): how many identity conflicts a run
queues, and how much of that is wasted effort, against the generator's answer key.

    .venv/bin/python benchmarks/review_queue.py [--profile default|hard|both] [--counties 3]
        [--children 3000] [--seed 20261125] [--dir DIR]

For each profile: generates a bundle (``notoneless.synth``, like ``linkage_accuracy.py``),
runs the whole ``notoneless run`` on it in a fresh workspace (its own local Neo4j, stopped
at the end), then reads the run's identity conflicts (``IdentityConflict``) from the graph
and prints:

- conflicts found, and those queued for an officer (deciding them changes a finding, a
  case, a payment or a responsible county: ``decisions/consequence.py``), as a share of
  the persons (target: queued <= 0.2 %);
- wasted effort: of the queued items, how many the threshold alone decided right (the
  run's same/different agrees with the answer key) — an officer's decision there only
  confirms the run;
- left to the threshold: the items not queued, and how many of those the threshold got
  wrong (errors nobody will look at), in two parts: those whose decision changes nothing,
  and those that would change something but whose two persons' valid ID numbers agree
  with the threshold (``auto_reason``).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.store import open_graph
from notoneless.run import run_bundle
from notoneless.synth import generate_bundle
from notoneless.synth.rates import world_config
from notoneless.synth.writer import FORMATS


def _truth(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {r["record_key"]: r["true_person_id"] for r in csv.DictReader(fh)}


def measure(profile: str, args: argparse.Namespace, base: Path) -> dict[str, float]:
    root = base / profile
    config = world_config(profile, 1.0, counties=args.counties, children_per_county=args.children, seed=args.seed)
    t0 = time.perf_counter()
    generate_bundle(root / "gen", config, FORMATS)
    ws = root / "ws"
    settings = Settings(workspace=ws)
    t1 = time.perf_counter()
    with (root / "run.log").open("w", encoding="utf-8") as log:
        report = run_bundle(root / "gen" / "bundle", root / "out", settings, console=Console(file=log, width=200))
    t2 = time.perf_counter()
    try:
        with open_graph(settings) as store:
            rows = store.execute_read(lambda tx: tx.run(
                "MATCH (c:IdentityConflict {run_id: $run}) WHERE c.decided IS NULL "
                "RETURN c.record_key_a AS a, c.record_key_b AS b, coalesce(c.same_person, false) AS same, "
                "coalesce(c.queued, true) AS queued, c.codes AS codes, c.auto_reason AS why", run=report.run_id).data())
    finally:
        server.stop(settings)
    truth = _truth(root / "gen" / "truth" / "persons.csv")
    persons = report.persons
    queued = [r for r in rows if r["queued"]]
    auto = [r for r in rows if not r["queued"]]

    def right(r: dict) -> bool:  # the threshold's outcome agrees with the answer key
        return (truth.get(r["a"]) == truth.get(r["b"])) == r["same"]

    wasted = sum(1 for r in queued if right(r))
    auto_wrong = sum(1 for r in auto if not right(r))
    agree = [r for r in auto if r["why"]]
    agree_wrong = sum(1 for r in agree if not right(r))
    print(f"--- profile {profile}: {args.counties} counties x {args.children:,} children, seed {args.seed} ---")
    print(f"records {report.person_records:,}, persons {persons:,}; generate {t1 - t0:.1f} s, run {t2 - t1:.1f} s "
          f"(load average {os.getloadavg()[0]:.2f})")
    print(f"identity conflicts (undecided) {len(rows):,} = {100 * len(rows) / persons:.3f} % of persons")
    print(f"queued for an officer {len(queued):,} = {100 * len(queued) / persons:.3f} % of persons (target <= 0.2 %)")
    if queued:
        print(f"wasted effort: {wasted:,} of {len(queued):,} queued items the threshold alone decided right "
              f"({100 * wasted / len(queued):.0f} %)")
    print(f"left to the threshold {len(auto):,}: {auto_wrong:,} of them decided wrong by the threshold; of those left, "
          f"{len(auto) - len(agree):,} change nothing (wrong {auto_wrong - agree_wrong:,}) and {len(agree):,} would "
          f"change something but the ID numbers agree with the threshold (wrong {agree_wrong:,})")
    return {"persons": persons, "conflicts": len(rows), "queued": len(queued), "wasted": wasted,
            "auto": len(auto), "auto_wrong": auto_wrong, "agree": len(agree), "agree_wrong": agree_wrong}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", choices=("default", "hard", "both"), default="both")
    ap.add_argument("--counties", type=int, default=3)
    ap.add_argument("--children", type=int, default=3000, help="children per county")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--dir", type=Path, default=None, help="keep bundles, workspaces and outputs here")
    args = ap.parse_args()
    profiles = ("default", "hard") if args.profile == "both" else (args.profile,)
    with tempfile.TemporaryDirectory() as tmp:
        base = args.dir or Path(tmp)
        results = {p: measure(p, args, base) for p in profiles}
    print("--- summary ---")
    for p, r in results.items():
        print(f"{p}: persons {r['persons']:,}  conflicts {r['conflicts']:,} ({100 * r['conflicts'] / r['persons']:.3f} %)  "
              f"queued {r['queued']:,} ({100 * r['queued'] / r['persons']:.3f} %)  wasted {r['wasted']:,}  "
              f"auto {r['auto']:,} (wrong {r['auto_wrong']:,}; of them ID numbers agree {r['agree']:,}, "
              f"wrong {r['agree_wrong']:,})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
