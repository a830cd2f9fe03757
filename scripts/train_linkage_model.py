"""Re-train the committed default linkage model, ``linkage_models/default_model.json``.

    .venv/bin/python scripts/train_linkage_model.py [--counties 3] [--children 5000] [--seed 202]

Generates a sample bundle, ingests it, and trains the model that the code defines
(model.py, comparisons.py) from scratch with Splink's u sampling and EM on that data
(the generator's truth is not read). Run it after changing a comparison or a blocking
rule, and commit the JSON. Runs start from this model; runs with enough records
re-estimate it on their own data (see linkage_models/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import duckdb

from notoneless.config import Settings
from notoneless.linkage import scoring, training

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", type=int, default=3)
    ap.add_argument("--children", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=202)
    ap.add_argument("--db", type=Path, default=None, help="an already ingested workspace DuckDB")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="notoneless-train-"))
    if args.db is None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import linkage_bench

        db = linkage_bench.prepare(work, counties=args.counties, children=args.children, seed=args.seed)
    else:
        db = args.db
    con = duckdb.connect(str(db))
    con.execute("SET threads = 2")
    untrained = work / "untrained.json"
    untrained.write_text(json.dumps(training.fresh_model_dict(), ensure_ascii=False), encoding="utf-8")
    result = scoring.score(con, Settings(workspace=work / "ws"), retrain=True, start_from=untrained,
                           on_progress=print)
    con.close()
    trained = json.loads(result.model_path.read_text(encoding="utf-8"))
    trained.pop("linker_uid", None)
    target = training.default_model_path()
    target.write_text(json.dumps(trained, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"trained on {result.records:,} records, {result.pairs:,} compared pairs -> {target}")


if __name__ == "__main__":
    main()
