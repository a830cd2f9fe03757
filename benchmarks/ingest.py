"""Reading + normalising a bundle: rows/s and peak memory.

    .venv/bin/python benchmarks/ingest.py /tmp/demo/bundle          # a generated bundle
    .venv/bin/python benchmarks/ingest.py --synthetic 60000         # no generator: quick CSVs

The synthetic mode writes a rough bundle of its own (≈4.4 person rows per child,
with the contract's dirt in a few percent of the values) so that the reader can be
measured without the sample generator. Goal: ≥ 50,000 person rows/s end to end
(all ten files read, every value normalised, all staging tables written).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from peak_memory import peak_rss_gib
from stdnum.cn import ric

from notoneless.bundle.ingest import ingest_bundle
from notoneless.bundle.schema import FILES, PERSON_SOURCES

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈单区仇解查"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫宇轩浩然子涵欣怡梓晨"
TRAD = str.maketrans("张刘陈杨黄赵吴郑谢韩冯邓叶苏鑫伟丽军洋艳杰娟涛华兰红梅轩浩涵欣晨", "張劉陳楊黃趙吳鄭謝韓馮鄧葉蘇鑫偉麗軍洋艷傑娟濤華蘭紅梅軒浩涵欣晨")
COUNTIES = ["431202", "431221", "431222", "431223"]


def _id(county: str, birth: str, seq: int) -> str:
    body = f"{county}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _dirty_id(rng: random.Random, vid: str) -> str:
    x = rng.random()
    if x < 0.01:
        return vid[:10] + str((int(vid[10]) + 1) % 10) + vid[11:]
    if x < 0.02:
        return vid[:6] + " " + vid[6:]
    if x < 0.025:
        return f"{int(vid[:6]) / 100000:.5f}E+17"
    if x < 0.03:
        return "'" + vid
    return vid.lower()


def _dirty_name(rng: random.Random, name: str) -> str:
    x = rng.random()
    if x < 0.02:
        return name.translate(TRAD)
    if x < 0.03:
        return name[0] + " " + name[1:]
    return name


def _date(rng: random.Random, birth: str) -> str:
    y, m, d = birth[:4], birth[4:6], birth[6:]
    return rng.choice([f"{y}-{m}-{d}", f"{y}/{int(m)}/{int(d)}", birth, f"{y}年{int(m)}月{int(d)}日", f"{y}.{m}.{d}"])


def synthetic_bundle(root: Path, children: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps(
        {"name": "基准 2025秋", "province_code": "43", "term": "2025秋", "reference_date": "2025-10-15"}, ensure_ascii=False))
    rows: dict[str, list[list[str]]] = {s: [] for s in FILES}
    for c in COUNTIES:
        rows["divisions"].append([c, f"县{c}", "县", "4312"])
        for t in range(1, 21):
            rows["divisions"].append([f"{c}{t:03d}", f"镇{t}", "乡", c])
            for v in range(1, 16):
                rows["divisions"].append([f"{c}{t:03d}{v:03d}", f"村{v}", "村", f"{c}{t:03d}"])
        for s in range(1, 31):
            rows["schools"].append([f"43{c}{s:04d}", f"学校{s}", c, "小学"])
    seq: dict[tuple[str, str], int] = {}
    for i in range(children):
        county = rng.choice(COUNTIES)
        village = f"{county}{rng.randint(1, 20):03d}{rng.randint(1, 15):03d}"
        birth = f"{rng.randint(2008, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        k = seq[(county, birth)] = seq.get((county, birth), 0) + 1
        vid = _id(county, birth, k * 2 + rng.randint(0, 1))
        sex = "男" if int(vid[16]) % 2 else "女"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        head = name[0] + rng.choice(GIVEN)
        hh = f"H{i // 2:07d}"
        rows["hukou"].append([_dirty_id(rng, vid), _dirty_name(rng, name), sex, _date(rng, birth), "汉族", hh, head, "子", village, "正常"])
        for p in range(rng.choice([1, 1, 2])):  # parents
            pid = _id(county, f"19{rng.randint(70, 95)}0101", (i * 3 + p) % 1000)
            rows["hukou"].append([pid, head if p == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN), "男", "", "汉族", hh, head, "户主", village, "正常"])
        if rng.random() < 0.9:
            rows["xueji"].append(["G" + vid, _dirty_name(rng, name), rng.choice(["男", "1", "M", sex]), _date(rng, birth), _dirty_id(rng, vid),
                                  f"43{county}{rng.randint(1, 30):04d}", "三年级", "在读", village, head, rng.choice(["是", "否"])])
        if rng.random() < 0.5:
            rows["fupin"].append([_dirty_id(rng, vid), _dirty_name(rng, name), sex, f"F{i // 2:07d}", head, "子", village, "一般贫困户"])
        if rng.random() < 0.05:
            rows["canlian"].append([vid + "12", name, sex, "肢体", "二级", village])
        if rng.random() < 0.2:
            rows["minzheng"].append([_dirty_id(rng, vid), name, sex, "农村低保", head, village])
        if rng.random() < 0.3:
            rows["zizhu"].append(["G" + vid, vid, name, "生活补助", rng.choice(["500", "625", "1,000"]), "2025秋", county, "2025-10-01", "惠农一卡通"])
        if rng.random() < 0.05:
            rows["contacts"].append([f"C{i:06d}", "赵老师", "13800000000", "学校", "包人", vid, "在岗"])
            rows["visits"].append([f"C{i:06d}", vid, "2025-10-01", "入户"])
    for stem, spec in FILES.items():
        enc = "gb18030" if stem in ("hukou", "fupin") else ("utf-8-sig" if stem == "xueji" else "utf-8")
        with open(root / f"{stem}.csv", "w", encoding=enc, newline="") as f:
            w = csv.writer(f)
            w.writerow(spec.headers)
            w.writerows(rows[stem])
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", nargs="?", type=Path)
    ap.add_argument("--synthetic", type=int, default=0, help="write a synthetic bundle with this many children")
    args = ap.parse_args()
    tmp = None
    if args.bundle is None:
        tmp = tempfile.TemporaryDirectory()
        t = time.perf_counter()
        bundle = synthetic_bundle(Path(tmp.name) / "bundle", args.synthetic or 60000)
        print(f"synthetic bundle written in {time.perf_counter() - t:.1f} s")
    else:
        bundle = args.bundle
    with tempfile.TemporaryDirectory() as ws:
        con = duckdb.connect(str(Path(ws) / "linkage.duckdb"))
        stages: list[tuple[str, float, float]] = []
        t0 = time.perf_counter()
        c0 = time.process_time()
        report = ingest_bundle(bundle, con, on_progress=lambda s, n: stages.append(
            (s, time.perf_counter() - t0, time.process_time() - c0)))
        cpu = time.process_time() - c0
        con.close()
    person_rows = sum(report.counts[s].rows_in for s in PERSON_SOURCES)
    all_rows = sum(c.rows_in for c in report.counts.values())
    peak_mib = peak_rss_gib() * 1024
    print(f"bundle: {bundle}")
    for stem, c in report.counts.items():
        print(f"  {stem:10s} rows {c.rows_in:8d}  accepted {c.accepted:8d}  rejected {c.rejected:6d}  ({report.encodings[stem]})")
    # per phase (the files are read side by side, so per-file times would mean little):
    # read = the ten files read and loaded, normalise = the value maps, stage = the tables
    # (and the 包保对象 map, which only contacts and visits use: it is built beside person_records)
    phases: dict[str, tuple[float, float]] = {}
    for stage, at, at_cpu in stages:
        phases[stage.split()[0]] = (at, at_cpu)
    prev, prev_cpu = 0.0, 0.0
    print(f"  {'phase':18s} {'wall s':>7s} {'CPU s':>7s}  (CPU: all threads of the process)")
    for phase, (at, at_cpu) in phases.items():
        print(f"  {phase:18s} {at - prev:7.2f} {at_cpu - prev_cpu:7.2f}")
        prev, prev_cpu = at, at_cpu
    print(f"person rows: {person_rows}, all rows: {all_rows}, wall seconds: {report.seconds:.2f}, "
          f"CPU seconds (all threads): {cpu:.2f}")
    print(f"throughput (wall): {person_rows / report.seconds:,.0f} person rows/s "
          f"({all_rows / report.seconds:,.0f} rows/s all files)")
    print(f"throughput per CPU-second: {person_rows / cpu:,.0f} person rows/CPU-s "
          "(less sensitive than wall time to other load; on an idle machine wall time is lower, the threads overlap)")
    print(f"load average while running: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
    print(f"peak memory (VmHWM): {peak_mib:,.0f} MiB")
    if tmp:
        tmp.cleanup()
    sys.exit(0)


if __name__ == "__main__":
    main()
