"""The whole run at scale, three times in one workspace (issue 21): a first run into an
empty graph, an unchanged re-run, and a re-run of a bundle with about 5 % of its person
records changed.

    .venv/bin/python benchmarks/run_scale.py [--records 220000] [--counties 4] [--seed 20251015] [--dir DIR]

Generates the bundle like ``linkage_scale.py`` (``notoneless.synth``; children per county
from ``--records``, about 3.7 records a child), and the changed one: in about 5 % of the
person records a value changes (xueji 年级, zizhu 金额, hukou 与户主关系: a record's
property and, for hukou, its MEMBER_OF), and the last 0.5 % of the xueji rows are gone.
Each run is ``notoneless run`` in its own process (a fresh local Neo4j on the first),
and the script prints every stage's time, the load's mode and rows written, the run's
peak RSS, and the Neo4j process's RSS (polled during each run: the run stops the local
server it started). Last, a plain Splink 5 model links the last run's records in its own
process (``linkage_bench.py``'s ``plain``, as ``linkage_scale.py`` runs it), with its time,
memory and pairwise precision / recall against the generator's answer key, beside our link
stage. The machine's load average is printed too: other work on it slows every figure.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDS_PER_CHILD = 3.69  # the demo: 221,487 records of 4 x 15,000 children

CHILD = r"""
import json, sys, time
from pathlib import Path
from rich.console import Console
from notoneless.config import Settings
from notoneless.run import run_bundle
from peak_memory import peak_rss_gib
bundle, out, ws, log = sys.argv[1:5]
lines = []
with open(log, "w", encoding="utf-8") as fh:
    started = time.perf_counter()
    report = run_bundle(Path(bundle), Path(out), Settings(workspace=Path(ws)), console=Console(file=fh, width=200))
    wall = time.perf_counter() - started
print(json.dumps({"seconds": report.seconds, "wall": wall, "records": report.person_records,
                  "persons": report.persons,
                  "peak_rss_gib": peak_rss_gib()}))
"""

# (file, column, how the value changes)
CHANGES = (("xueji.csv", "年级", "grade"), ("zizhu.csv", "金额", "amount"), ("hukou.csv", "与户主关系", "relation"))
GRADES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"]


def _read(path: Path) -> tuple[str, list[list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return encoding, list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))
        except UnicodeDecodeError:
            continue
    raise ValueError(f"cannot read {path}")


def _write(path: Path, encoding: str, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def changed_bundle(bundle: Path, to: Path, records: int, share: float = 0.05, seed: int = 21) -> int:
    """A copy of ``bundle`` with about ``share`` of ``records`` changed; the number changed."""
    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(bundle, to)
    rng = random.Random(seed)
    budget, changed = int(records * share), 0
    for name, column, how in CHANGES:
        encoding, rows = _read(to / name)
        header, data = rows[0], rows[1:]
        col = header.index(column)
        picks = rng.sample(range(len(data)), min(len(data), budget // len(CHANGES)))
        for i in picks:
            value = data[i][col]
            if how == "grade":
                data[i][col] = GRADES[(GRADES.index(value) + 1) % 9] if value in GRADES else "一年级"
            elif how == "amount":
                try:
                    data[i][col] = f"{float(value) + 100:.2f}"
                except ValueError:
                    data[i][col] = "100.00"
            else:
                data[i][col] = "其他" if value != "其他" else "子"
        changed += len(picks)
        if name == "xueji.csv":
            gone = len(data) // 200
            data = data[: len(data) - gone]
            changed += gone
        _write(to / name, encoding, [header, *data])
    return changed


def _neo4j_status(ws: Path) -> dict[str, float] | None:
    """VmRSS and VmHWM (GiB) of the workspace's local Neo4j, if it runs."""
    try:
        pid = int((ws / "neo4j" / "server.pid").read_text().strip())
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except (OSError, ValueError):
        return None
    status = dict(line.split(":", 1) for line in lines if ":" in line)
    return {k: int(status[k].split()[0]) / 2**20 for k in ("VmRSS", "VmHWM") if k in status}


class Neo4jWatch(threading.Thread):
    """Polls the local Neo4j's memory while a run goes (the run stops the server it started)."""

    def __init__(self, ws: Path) -> None:
        super().__init__(daemon=True)
        self.ws, self.done, self.rss, self.peak = ws, threading.Event(), 0.0, 0.0

    def run(self) -> None:
        while not self.done.wait(0.5):
            now = _neo4j_status(self.ws)
            if now:
                self.rss = max(self.rss, now.get("VmRSS", 0.0))
                self.peak = max(self.peak, now.get("VmHWM", 0.0))


def run_once(label: str, bundle: Path, out: Path, ws: Path) -> dict:
    log = out.parent / f"{label}.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")])}
    load = os.getloadavg()[0]
    watch = Neo4jWatch(ws)
    watch.start()
    done = subprocess.run([sys.executable, "-c", CHILD, str(bundle), str(out), str(ws), str(log)],
                          env=env, capture_output=True, text=True)
    watch.done.set()
    watch.join()
    if done.returncode:
        sys.exit(f"{label} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    text = log.read_text(encoding="utf-8")
    result["load_line"] = next((ln.strip() for ln in text.splitlines() if "写入图数据库：" in ln), "")
    result["neo4j_rss"], result["neo4j_peak"] = watch.rss, watch.peak
    result["load_average"] = load
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=220_000)
    ap.add_argument("--counties", type=int, default=4)
    ap.add_argument("--seed", type=int, default=20251015)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="notoneless-run-scale-"))
    children = max(100, round(args.records / RECORDS_PER_CHILD / args.counties))
    bundle = base / "bundle"
    if not (bundle / "manifest.json").is_file():
        from notoneless.synth.generate import generate_bundle
        from notoneless.synth.rates import WorldConfig

        t = time.perf_counter()
        summary = generate_bundle(base, WorldConfig(counties=args.counties, children_per_county=children, seed=args.seed))
        print(f"generated {args.counties} counties x {children:,} children: {summary.person_records:,} person records "
              f"({time.perf_counter() - t:.0f} s)", flush=True)
    ws = base / "ws"
    if ws.exists():  # a stopped server's leftovers: the first run must be a first load
        subprocess.run([sys.executable, "-c", "from notoneless.cli import main; main()", "graph", "stop"], env={
            **os.environ, "PYTHONPATH": str(ROOT / "src"), "NOTONELESS_WORKSPACE": str(ws)}, capture_output=True)
        shutil.rmtree(ws)
    results = {}
    try:
        results["first run"] = run_once("first", bundle, base / "out1", ws)
        results["unchanged re-run"] = run_once("unchanged", bundle, base / "out2", ws)
        n = changed_bundle(bundle, base / "bundle5", results["first run"]["records"])
        print(f"changed bundle: {n:,} of {results['first run']['records']:,} person records changed or removed", flush=True)
        results["5 %-changed re-run"] = run_once("changed", base / "bundle5", base / "out3", ws)
    finally:
        from notoneless.config import Settings
        from notoneless.graph import server

        server.stop(Settings(workspace=ws))
    plain = plain_splink(ws, base)
    first = results["first run"]
    neo4j = Settings(workspace=ws)  # as the runs read NOTONELESS_GRAPH_HEAP / NOTONELESS_GRAPH_PAGECACHE
    print(f"\n{first['records']:,} person records, {first['persons']:,} persons; Neo4j heap {neo4j.graph_heap}, "
          f"page cache {neo4j.graph_pagecache} (NOTONELESS_GRAPH_HEAP, NOTONELESS_GRAPH_PAGECACHE); "
          "machine: 2 cores, shared\n")
    stages = list(first["seconds"])
    print(f"{'stage':<10}" + "".join(f"{k:>20}" for k in results))
    for stage in stages:
        print(f"{stage:<10}" + "".join(f"{r['seconds'].get(stage, float('nan')):>18.1f} s" for r in results.values()))
    print(f"{'wall':<10}" + "".join(f"{r['wall']:>18.1f} s" for r in results.values()))
    print(f"{'peak RSS':<10}" + "".join(f"{r['peak_rss_gib']:>16.2f} GiB" for r in results.values()) + "   (Python)")
    print(f"{'Neo4j RSS':<10}" + "".join(f"{r['neo4j_rss']:>16.2f} GiB" for r in results.values())
          + "   (largest seen during the run, polled every 0.5 s; VmHWM: "
          + ", ".join(f"{r['neo4j_peak']:.2f}" for r in results.values()) + " GiB)")
    print(f"{'load avg':<10}" + "".join(f"{r['load_average']:>20.1f}" for r in results.values()) + "   (before the run)")
    for label, r in results.items():
        print(f"{label}: {r['load_line']}")
    print(f"\nplain Splink 5 (standard comparisons, trained on the records: benchmarks/linkage_bench.py) on the "
          f"last run's records, after the runs: {plain['wall_seconds']:.1f} s wall, CPU {plain['cpu_seconds']:.1f} s, peak "
          f"{plain['peak_rss_gib']:.2f} GiB, P / R {plain['precision']:.4f} / {plain['recall']:.4f} (load average "
          f"{plain['load_average']:.1f} before); our link stage: {first['seconds']['link']:.1f} s (first run), "
          f"{results['5 %-changed re-run']['seconds']['link']:.1f} s (last run)")
    print(f"\n(bundles, outputs and logs in {base})")


def plain_splink(ws: Path, base: Path) -> dict:
    """A plain Splink 5 model on the records of the last run (a copy of its workspace's
    DuckDB file, with the generator's answer key), timed in its own process as
    ``linkage_scale.py`` times it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import duckdb
    import linkage_bench as lb

    db = base / "plain.duckdb"
    shutil.copyfile(ws / "linkage.duckdb", db)
    try:
        con = duckdb.connect(str(db))
        lb.load_truth(con, base / "truth")
        con.close()
        load = os.getloadavg()[0]
        out = lb.run_worker("plain", db, base / "ws_plain")
        out["load_average"] = load
        return out
    finally:
        db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
