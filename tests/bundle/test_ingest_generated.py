"""Ingest a small bundle from the sample generator: every row is accounted for, and
the rows rejected are exactly the ones the generator made unusable."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from notoneless.bundle.ingest import ingest_bundle
from notoneless.bundle.schema import PERSON_SOURCES
from notoneless.synth.generate import generate_bundle
from notoneless.synth.rates import WorldConfig


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    generate_bundle(out, WorldConfig(counties=2, children_per_county=250, seed=11))
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_row_accounted_for(generated):
    con = duckdb.connect()
    report = ingest_bundle(generated / "bundle", con)
    truth_keys = {r["record_key"] for r in _csv(generated / "truth" / "persons.csv")}
    accepted = {r[0] for r in con.execute("SELECT record_key FROM person_records").fetchall()}
    rejected = {r[0] for r in con.execute("SELECT record_key FROM rejects").fetchall()}
    rejected_person = {k for k in rejected if k.split(":")[0] in PERSON_SOURCES}
    assert not accepted & rejected
    assert accepted | rejected_person == truth_keys | {r["record_key"] for r in _csv(generated / "truth" / "rejects.csv")}
    expected_rejects = {r["record_key"] for r in _csv(generated / "truth" / "rejects.csv")}
    assert rejected_person == expected_rejects
    for stem, c in report.counts.items():
        assert c.rows_in == c.accepted + c.rejected
        assert c.rows_in > 0, stem
    # the dirt the generator planted is recognised
    issues = dict(con.execute("SELECT id_issue, count(*) FROM person_records GROUP BY ALL").fetchall())
    dirt = {(r["record_key"], r["kind"]) for r in _csv(generated / "truth" / "dirt.csv")}
    kinds = {k for _, k in dirt}
    if "id_len15" in kinds:
        assert issues.get("len15", 0) > 0
    if {"id_typo", "id_bad_check", "id_transposition"} & kinds:
        assert issues.get("bad_check", 0) > 0
    # a valid ID of the answer key is among the candidates of every typo'd/transposed ID
    ids = {r["true_person_id"]: r["id_number"] for r in _csv(generated / "truth" / "ids.csv")}
    person_of = {r["record_key"]: r["true_person_id"] for r in _csv(generated / "truth" / "persons.csv")}
    rows = con.execute(
        "SELECT record_key, id_candidates FROM person_records WHERE id_issue = 'bad_check'"
    ).fetchall()
    typo_keys = {k for k, kind in dirt if kind in ("id_typo", "id_transposition", "id_bad_check")}
    checked = 0
    for key, cands in rows:
        if key in typo_keys and person_of.get(key) in ids:
            assert ids[person_of[key]] in cands, key
            checked += 1
    assert checked > 0 or not typo_keys
