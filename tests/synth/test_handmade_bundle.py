"""The hand-made bundle (tests/fixtures/handmade_bundle): its expected findings were
worked out by hand (see its README); the generator's independent oracle, run on the
same facts, must reach exactly the same findings."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from stdnum.cn import ric
from synth_bundle_io import read_table

from notoneless.bundle.schema import ALL_STEMS, FILES, PERSON_SOURCES
from notoneless.synth import WorldConfig
from notoneless.synth.oracle import FINDING_FILES, Oracle

HANDMADE = Path(__file__).resolve().parents[1] / "fixtures" / "handmade_bundle"
EXPECTED = HANDMADE / "expected"


def _expected(name: str) -> list[dict[str, str]]:
    with (EXPECTED / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class _Row:
    values: dict[str, str]
    person: SimpleNamespace | None
    unusable: str | None


def _clean_world() -> SimpleNamespace:
    """The bundle's rows with every dirty value replaced by its clean one."""
    owner = {r["record_key"]: r["true_person_id"] for r in _expected("persons")}
    rejected = {r["record_key"]: r["why"] for r in _expected("rejects")}
    clean: dict[str, dict[str, str]] = {}
    for r in _expected("clean_values"):
        clean.setdefault(r["record_key"], {})[r["column"]] = r["clean_value"]
    rows: dict[str, list[_Row]] = {}
    for stem in ALL_STEMS:
        table = read_table(HANDMADE / f"{stem}.csv")
        assert table[0] == FILES[stem].headers, stem
        rows[stem] = []
        for i, values in enumerate(table[1:], start=1):
            key = f"{stem}:{i}"
            v = dict(zip(table[0], values)) | clean.get(key, {})
            person = SimpleNamespace(pid=owner[key]) if stem in PERSON_SOURCES else None
            rows[stem].append(_Row(v, person, rejected.get(key)))
    return SimpleNamespace(config=WorldConfig(), rows=rows)


def test_handmade_bundle_is_complete() -> None:
    manifest = json.loads((HANDMADE / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["term"] == "2025秋" and manifest["reference_date"] == "2025-10-15"
    present = {p.stem for p in HANDMADE.glob("*.csv")}
    assert present == set(ALL_STEMS)
    keys = [r["record_key"] for r in _expected("persons")]
    expected_keys = [f"{s}:{i}" for s in PERSON_SOURCES
                     for i in range(1, len(read_table(HANDMADE / f"{s}.csv")))]
    assert keys == expected_keys


def test_clean_ids_are_valid_and_dirty_ones_are_not() -> None:
    world = _clean_world()
    id_col = {s: FILES[s].column("id_raw").header for s in PERSON_SOURCES}
    for stem in PERSON_SOURCES:
        for row in world.rows[stem]:
            value = row.values[id_col[stem]]
            if value and not row.unusable:
                assert ric.is_valid(value), (stem, value)
    assert not ric.is_valid(read_table(HANDMADE / "xueji.csv")[12][4])


@pytest.mark.parametrize("name", list(FINDING_FILES))
def test_oracle_reproduces_the_hand_worked_findings(name: str) -> None:
    oracle = Oracle(_clean_world(), province="43", term="2025秋", reference_date=date(2025, 10, 15),
                    school_year_start=date(2025, 9, 1))
    got = oracle.findings()[name]
    expected = _expected(name)
    assert expected, name
    columns = FINDING_FILES[name]
    assert list(expected[0]) == list(columns)
    assert sorted(tuple(r[c] for c in columns) for r in got) == sorted(tuple(r[c] for c in columns) for r in expected)
