"""The answer key: valid IDs, every hard case and finding kind present, planted
situations showing up (or not) in the oracle's findings as the contract says."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from stdnum.cn import ric
from synth_bundle_io import read_truth

from notoneless.synth.names import SURNAME_HOMOPHONES, homophone_table

HARD_CASES = ("twin", "namesake", "no_id", "transfer_duplicate", "cross_county", "out_of_province_study",
              "out_of_province_hukou", "not_enrolled", "moved_out", "dead", "cancelled", "moved_within", "suspended",
              "eligible_not_paid", "paid_twice_two_counties", "paid_twice_same_county")
DIRT_KINDS = ("id_missing", "id_lower_x", "id_space", "id_fullwidth", "id_apostrophe", "id_typo", "id_transposition",
              "id_bad_check", "id_len15", "id_sci", "id_disability_cert", "name_traditional", "name_homophone",
              "name_swapped", "name_space", "name_dot_variant", "sex_code", "date_iso", "date_slash", "date_compact",
              "date_dot", "date_chinese", "target_typo", "duplicate_row", "unusable")


def _cases(out: Path) -> dict[str, set[str]]:
    by_case: dict[str, set[str]] = defaultdict(set)
    for r in read_truth(out, "hard_cases"):
        by_case[r["case"]].add(r["true_person_id"])
    return by_case


def test_every_true_id_is_valid(small_out: Path) -> None:
    ids = read_truth(small_out, "ids")
    assert len(ids) > 5000
    assert all(ric.is_valid(r["id_number"]) for r in ids)
    assert len({r["id_number"] for r in ids}) == len(ids)
    # region prefixes of adults born before 1997 in 怀化 are the old 4330xx codes
    assert any(r["id_number"].startswith("4330") for r in ids)


def test_every_hard_case_is_present(small_out: Path) -> None:
    cases = _cases(small_out)
    for case in HARD_CASES:
        assert len(cases[case]) >= 3, case


def test_twins_share_household_and_birth_and_differ_in_sequence_only(small_out: Path) -> None:
    ids = {r["true_person_id"]: r["id_number"] for r in read_truth(small_out, "ids")}
    twins = sorted(p for p in _cases(small_out)["twin"] if p in ids)
    by_prefix = Counter(ids[p][:14] for p in twins)
    pairs = [k for k, n in by_prefix.items() if n >= 2]
    assert len(pairs) >= len(twins) // 2 - 1 > 0


def test_every_dirt_kind_is_present(small_out: Path) -> None:
    kinds = Counter(r["kind"] for r in read_truth(small_out, "dirt"))
    for kind in DIRT_KINDS:
        assert kinds[kind] >= 1, kind


def test_most_records_are_clean(small_out: Path) -> None:
    persons = read_truth(small_out, "persons")
    dirty = {r["record_key"] for r in read_truth(small_out, "dirt")
             if not r["kind"].startswith(("date_", "sex_"))}
    assert len(dirty) < 0.1 * len(persons)


def test_every_finding_kind_is_present(small_out: Path) -> None:
    for name in ("unmatched_children", "cross_county_students", "duplicate_subsidies", "missed_subsidies"):
        assert len(read_truth(small_out, name)) >= 5, name
    gaps = Counter(r["类型"] for r in read_truth(small_out, "contact_gaps"))
    for kind in ("包村缺位", "包户缺位", "包人缺位", "走访逾期"):
        assert gaps[kind] >= 2, kind
    scopes = Counter(r["范围"] for r in read_truth(small_out, "cross_county_students"))
    assert set(scopes) == {"省内跨县", "省外就读", "外省户籍"}


def test_planted_situations_become_findings(small_out: Path) -> None:
    """The generator's intent and the oracle's reading of the contract agree."""
    cases = _cases(small_out)
    unmatched = {r["person_id"] for r in read_truth(small_out, "unmatched_children")}
    assert cases["not_enrolled"] <= unmatched
    assert not (cases["dead"] | cases["moved_out"] | cases["cancelled"]) & unmatched
    cross = {r["person_id"]: r for r in read_truth(small_out, "cross_county_students")}
    suspended = cases["suspended"]
    for case, scope in (("cross_county", "省内跨县"), ("out_of_province_study", "省外就读"),
                        ("out_of_province_hukou", "外省户籍")):
        planted = cases[case] - suspended
        enrolled_planted = {p for p in planted if p in cross}
        assert len(enrolled_planted) >= len(planted) * 0.9, case
        assert all(cross[p]["范围"] == scope for p in enrolled_planted), case
    for r in cross.values():
        expected = r["户籍县"] if r["范围"] == "省外就读" else r["学籍县"]
        assert r["资助责任县"] == expected and r["核实责任县"] == r["学籍县"]
    dups = {r["person_id"]: r for r in read_truth(small_out, "duplicate_subsidies")}
    assert cases["paid_twice_two_counties"] | cases["paid_twice_same_county"] <= set(dups)
    for p in cases["paid_twice_two_counties"]:
        assert ";" in dups[p]["发放县"]
    assert cases["eligible_not_paid"] <= {r["person_id"] for r in read_truth(small_out, "missed_subsidies")}


def test_duplicate_amount_is_total_minus_largest(small_out: Path) -> None:
    rows = read_truth(small_out, "duplicate_subsidies")
    assert any(float(r["重复金额"]) > 0 for r in rows)
    for r in rows:
        assert int(r["笔数"]) >= 2


def test_homophones_are_real_same_pinyin_characters() -> None:
    for a, b in SURNAME_HOMOPHONES.items():
        assert a != b and lazy_pinyin(a, style=Style.NORMAL) == lazy_pinyin(b, style=Style.NORMAL), (a, b)
    table = homophone_table()
    assert len(table) > 50
    for ch, others in table.items():
        for o in others:
            assert o != ch and lazy_pinyin(o, style=Style.NORMAL) == lazy_pinyin(ch, style=Style.NORMAL)


def test_corrupted_ids_still_look_like_ids(small_out: Path) -> None:
    import re

    from synth_bundle_io import bundle_file, read_table

    from notoneless.bundle.schema import FILES

    true_id = {r["true_person_id"]: r["id_number"] for r in read_truth(small_out, "ids")}
    owner = {r["record_key"]: r["true_person_id"] for r in read_truth(small_out, "persons")}
    written: dict[str, str] = {}
    for stem in ("hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu"):
        spec = FILES[stem]
        col = spec.headers.index(spec.column("id_raw").header)
        for i, row in enumerate(read_table(bundle_file(small_out, stem))[1:], start=1):
            written[f"{stem}:{i}"] = row[col]
    checked = Counter()
    for r in read_truth(small_out, "dirt"):
        kind, key = r["kind"], r["record_key"]
        if not kind.startswith("id_") or key not in owner:
            continue
        value, truth = written[key], true_id[owner[key]]
        if kind in ("id_typo", "id_transposition", "id_bad_check"):
            assert re.fullmatch(r"\d{17}[\dX]", value) and not ric.is_valid(value), (key, value)
            assert sum(a != b for a, b in zip(value, truth)) <= 2
        elif kind == "id_len15":
            assert value == truth[:6] + truth[8:17]
        elif kind == "id_sci":
            assert re.fullmatch(r"\d\.\d{5}E\+17", value)
        elif kind == "id_disability_cert":
            assert len(value) == 20 and value.startswith(truth)
        elif kind == "id_lower_x":
            assert value == truth[:-1] + "x"
        checked[kind] += 1
    assert len(checked) >= 8
