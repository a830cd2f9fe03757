"""Bundles for the decision tests: the hand-made bundle, copied, with a few rows added
or re-ordered (encodings kept: hukou.csv is GB18030, xueji.csv UTF-8 with BOM)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from handbuilt_workspace import make_id

HANDMADE = Path(__file__).resolve().parents[1] / "fixtures" / "handmade_bundle"
ENCODINGS = {"hukou": "gb18030", "xueji": "utf-8-sig"}

# 何晓: one child's hukou (正常) and xueji (转出) records with the same valid ID number,
# and a payment: the model makes them one person, out of school (疑似失学辍学).
HE_XIAO_ID = make_id("431224", "20140808", "771")
HE_XIAO = {
    "hukou": [HE_XIAO_ID, "何晓", "男", "20140808", "汉族", "1224000199", "何大山", "子", "431224101201", "正常"],
    "xueji": ["G" + HE_XIAO_ID, "何晓", "男", "2014-08-08", HE_XIAO_ID, "1431224001", "五年级", "转出",
              "431224101201", "何大山", "否"],
    "zizhu": ["G" + HE_XIAO_ID, HE_XIAO_ID, "何晓", "义务教育家庭经济困难学生生活补助", "250.00", "2025秋", "431224",
              "2025/9/25", "惠农一卡通"],
}


def read_rows(bundle: Path, stem: str) -> tuple[list[str], list[list[str]]]:
    with (bundle / f"{stem}.csv").open(encoding=ENCODINGS.get(stem, "utf-8"), newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_rows(bundle: Path, stem: str, header: list[str], rows: list[list[str]]) -> None:
    with (bundle / f"{stem}.csv").open("w", encoding=ENCODINGS.get(stem, "utf-8"), newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])


def copy_bundle(dest: Path, *, add: dict[str, list[list[str]]] | None = None, first: dict[str, int] | None = None,
                drop: dict[str, int] | None = None) -> Path:
    """The hand-made bundle at ``dest`` with rows appended (``add``), a row moved to the
    top (``first``: stem → 1-based data row) or removed (``drop``)."""
    shutil.copytree(HANDMADE, dest, ignore=shutil.ignore_patterns("expected", "README.md"))
    for stem, rows in (add or {}).items():
        header, old = read_rows(dest, stem)
        write_rows(dest, stem, header, old + rows)
    for stem, row in (first or {}).items():
        header, old = read_rows(dest, stem)
        write_rows(dest, stem, header, [old[row - 1], *old[: row - 1], *old[row:]])
    for stem, row in (drop or {}).items():
        header, old = read_rows(dest, stem)
        write_rows(dest, stem, header, old[: row - 1] + old[row:])
    return dest


def entities(out: Path) -> dict[str, str]:
    with (out / "entities.csv").open(encoding="utf-8", newline="") as fh:
        return {r["record_key"]: r["person_id"] for r in csv.DictReader(fh)}
