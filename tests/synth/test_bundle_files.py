"""The generated bundle is a bundle of the contract: files, headers, encodings,
manifest, record keys, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synth_bundle_io import bundle_file, read_table, read_truth

from notoneless.bundle.schema import FILES, PERSON_SOURCES
from notoneless.errors import ConfigError
from notoneless.synth import WorldConfig, generate_bundle
from notoneless.synth.writer import parse_formats

TINY = WorldConfig(counties=2, children_per_county=250, seed=5)


def test_every_file_has_the_canonical_headers(small_out: Path) -> None:
    for stem, spec in FILES.items():
        rows = read_table(bundle_file(small_out, stem))
        assert rows[0] == spec.headers, stem
        assert len(rows) > 1, stem
        assert all(len(r) == len(spec.headers) for r in rows), stem


def test_default_formats_mix_every_reader_path(small_out: Path) -> None:
    kinds = set()
    for stem in FILES:
        path = bundle_file(small_out, stem)
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            kinds.add("xlsx")
        elif data.startswith(b"\xef\xbb\xbf"):
            kinds.add("utf-8-bom")
        else:
            try:
                data.decode("utf-8")
                kinds.add("utf-8")
            except UnicodeDecodeError:
                data.decode("gb18030")
                kinds.add("gb18030")
    assert kinds == {"xlsx", "utf-8-bom", "utf-8", "gb18030"}


def test_csv_only_gives_plain_utf8_csv(tmp_path: Path) -> None:
    generate_bundle(tmp_path, TINY, parse_formats("csv"))
    files = sorted(p for p in (tmp_path / "bundle").iterdir() if p.suffix in (".csv", ".xlsx"))
    assert [p.stem for p in files] == sorted(FILES)
    for p in files:
        assert p.suffix == ".csv"
        data = p.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


def test_formats_option_is_checked() -> None:
    assert parse_formats("csv,xlsx,gb18030") == ("csv", "bom", "gb18030", "xlsx")
    assert parse_formats("xlsx") == ("xlsx",)
    with pytest.raises(ConfigError, match="--formats"):
        parse_formats("csv,parquet")


def test_manifest_follows_the_contract(small_out: Path) -> None:
    m = json.loads((small_out / "bundle" / "manifest.json").read_text(encoding="utf-8"))
    assert m == {"name": "怀化市 2025秋 比对", "province_code": "43", "term": "2025秋", "reference_date": "2025-10-15"}


def test_persons_truth_names_every_person_record(small_out: Path) -> None:
    persons = read_truth(small_out, "persons")
    expected = []
    for stem in PERSON_SOURCES:
        n = len(read_table(bundle_file(small_out, stem))) - 1
        expected += [f"{stem}:{i}" for i in range(1, n + 1)]
    assert [r["record_key"] for r in persons] == expected
    assert all(r["true_person_id"].startswith("P") for r in persons)
    rejects = read_truth(small_out, "rejects")
    assert rejects and {r["record_key"] for r in rejects} <= {r["record_key"] for r in persons}


def test_unusable_rows_have_no_usable_id_nor_name(small_out: Path) -> None:
    rejects = {r["record_key"] for r in read_truth(small_out, "rejects")}
    seen = 0
    for stem in PERSON_SOURCES:
        spec = FILES[stem]
        id_col = spec.headers.index(spec.column("id_raw").header)
        name_col = spec.headers.index(spec.column("name_raw").header)
        for i, row in enumerate(read_table(bundle_file(small_out, stem))[1:], start=1):
            if f"{stem}:{i}" in rejects:
                seen += 1
                assert row[name_col] == ""
                assert row[id_col] == "" or "E+" in row[id_col]
            else:
                assert row[name_col] != "", f"{stem}:{i}"
    assert seen == len(rejects)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_bundle(a, TINY)
    generate_bundle(b, TINY)
    generate_bundle(c, WorldConfig(counties=2, children_per_county=250, seed=6))
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert any(f.suffix == ".xlsx" for f in files_a)
    for f in files_a:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert (a / "bundle" / "xueji.csv").read_bytes() != (c / "bundle" / "xueji.csv").read_bytes()


def test_size_follows_the_options(small_out: Path) -> None:
    hukou = read_table(bundle_file(small_out, "hukou"))[1:]
    counties = {r[8][:6] for r in hukou}
    assert counties == {"431202", "431221", "431222"}
    divisions = read_table(bundle_file(small_out, "divisions"))[1:]
    levels = {r[2] for r in divisions}
    assert levels == {"省", "市", "县", "乡", "村"}
    for code, _name, level, parent in divisions:
        assert len(code) == {"省": 2, "市": 4, "县": 6, "乡": 9, "村": 12}[level]
        if parent:
            assert code.startswith(parent)
    assert {"440306", "330782"} <= {r[0] for r in divisions if r[2] == "县"}


def test_too_many_counties_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--counties"):
        generate_bundle(tmp_path, WorldConfig(counties=40, children_per_county=10))


def test_generate_command_writes_bundle_and_truth(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from notoneless.cli import app

    result = CliRunner().invoke(app, ["generate", str(tmp_path), "--counties", "1", "--children-per-county", "150",
                                      "--seed", "2", "--formats", "csv"])
    assert result.exit_code == 0, result.output
    assert "hukou" in result.output and "person records" in result.output
    assert (tmp_path / "bundle" / "manifest.json").exists()
    assert (tmp_path / "truth" / "persons.csv").exists()
    assert sorted(p.name for p in (tmp_path / "bundle").glob("*.csv")) == sorted(f"{s}.csv" for s in FILES)


def test_dirt_factor_scales_id_and_name_dirt_only(tmp_path: Path) -> None:
    """`--dirt 3` (hand-typed lists) triples the ID and name dirt the truth records and
    leaves the rest of the world as it is; `--dirt 1` is the default world, byte for byte."""
    from collections import Counter

    from notoneless.synth.rates import DEFAULT_DIRT, scaled_dirt

    assert scaled_dirt(1) == DEFAULT_DIRT
    with pytest.raises(ValueError, match="canlian"):
        scaled_dirt(6)  # canlian's ID kinds would sum to more than 1

    def dirt_counts(factor: float) -> tuple[Counter, int]:
        out = tmp_path / f"x{factor}"
        summary = generate_bundle(out, WorldConfig(counties=1, children_per_county=2000, seed=5, dirt=scaled_dirt(factor)))
        lines = (out / "truth" / "dirt.csv").read_text(encoding="utf-8").splitlines()[1:]
        return Counter(line.rsplit(",", 1)[1] for line in lines), summary.persons

    base, persons_1 = dirt_counts(1)
    triple, persons_3 = dirt_counts(3)
    assert persons_1 == persons_3  # the same people, only written worse
    for kind in ("id_typo", "id_missing", "name_homophone"):
        assert 2 * base[kind] < triple[kind] < 4 * base[kind], (kind, base[kind], triple[kind])
    assert abs(triple["sex_code"] - base["sex_code"]) < 0.2 * base["sex_code"]  # formats not scaled
