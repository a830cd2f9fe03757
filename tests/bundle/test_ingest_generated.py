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
    report = ingest_bundle(generated / "bundle", con, workspace_aliases=None)
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


def test_tables_are_stored_in_file_and_row_order(generated):
    """person_records and the per-file tables are copied from working rows without an
    ORDER BY (staging relies on DuckDB keeping the order of SELECT / WHERE / UNION ALL
    over tables stored in row order): read back without ORDER BY they give the person
    files in the contract's order and each file's rows in row order, and identical
    natural keys are numbered #2, #3 … in row order."""
    con = duckdb.connect()
    ingest_bundle(generated / "bundle", con, workspace_aliases=None)
    rows = con.execute("SELECT source, row_no, fingerprint FROM person_records").fetchall()
    assert [r[:2] for r in rows] == sorted((r[:2] for r in rows), key=lambda r: (PERSON_SOURCES.index(r[0]), r[1]))
    for stem in PERSON_SOURCES:
        keys = [int(k.split(":")[1]) for (k,) in con.execute(f"SELECT record_key FROM {stem}").fetchall()]
        assert keys == sorted(keys), stem
    occurrences: dict[tuple[str, str], int] = {}
    for source, _row_no, fingerprint in rows:
        base, _, n = fingerprint.partition("#")
        occurrences[source, base] = occurrences.get((source, base), 0) + 1
        assert (int(n) if n else 1) == occurrences[source, base], fingerprint
    assert max(occurrences.values()) > 1  # the generator's duplicates are there
