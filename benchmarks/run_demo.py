"""The demo size end to end: generate 4 counties × 15,000 children, `notoneless run` it,
score every finding kind against the generator's truth, print per-stage seconds.

    .venv/bin/python benchmarks/run_demo.py [--counties 4] [--children-per-county 15000]
                                            [--dir .notoneless/demo] [--regenerate] [--profile default|hard]

Uses the configured graph (NOTONELESS_* settings; by default the local Neo4j of the
workspace). The goal: the whole run in under 10 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console

from notoneless.config import get_settings
from notoneless.evaluation import format_scores, score_findings
from notoneless.run import run_bundle
from notoneless.synth import generate_bundle
from notoneless.synth.rates import PROFILES, world_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=4)
    parser.add_argument("--children-per-county", type=int, default=15_000)
    parser.add_argument("--seed", type=int, default=20251015)
    parser.add_argument("--dir", type=Path, default=None, help="where the bundle and the outputs go")
    parser.add_argument("--regenerate", action="store_true", help="generate again even if the bundle exists")
    parser.add_argument("--profile", choices=tuple(PROFILES), default="default",
                        help="the generator's profile (synth.rates.PROFILES): hard = village lists typed by hand")
    args = parser.parse_args()

    settings = get_settings()
    console = Console()
    suffix = "" if args.profile == "default" else f"-{args.profile}"
    base = args.dir or settings.workspace / f"demo-{args.counties}x{args.children_per_county}-{args.seed}{suffix}"
    bundle, truth, out = base / "bundle", base / "truth", base / "out"
    if args.regenerate or not (bundle / "manifest.json").is_file():
        t = time.perf_counter()
        config = world_config(args.profile, counties=args.counties, children_per_county=args.children_per_county,
                              seed=args.seed)
        generate_bundle(base, config, progress=lambda msg: console.print(msg))
        console.print(f"generated {bundle} in {time.perf_counter() - t:.1f} s")

    started = time.perf_counter()
    report = run_bundle(bundle, out, settings, console=console)
    wall = time.perf_counter() - started

    scores = score_findings(out, truth)
    print()
    print(f"bundle: {bundle}  ({report.person_records:,} person records, {report.persons:,} persons)")
    print(format_scores(scores))
    print()
    print("seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()))
    print(f"whole run (wall clock): {wall:.1f} s  — goal < 600 s: {'met' if wall < 600 else 'NOT met'}")


if __name__ == "__main__":
    main()
