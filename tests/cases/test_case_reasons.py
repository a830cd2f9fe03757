"""Every reason's evidence rule (the Quanzhou notice's 佐证材料要求), table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.cases.reasons import (
    A_REASONS,
    B_REASONS,
    EVIDENCE_LABELS,
    REASONS,
    S_REASONS,
    VALIDITY,
    Evidence,
    EvidenceKind,
    Holds,
    check_reason,
    closure_hold,
    parse_evidence,
    school_year_end,
)
from notoneless.errors import CaseError

E = EvidenceKind

# The notice's appendix, column 佐证材料要求, written out independently of reasons.py:
# each inner tuple is "one of these"; all inner tuples are needed.
NOTICE_EVIDENCE = {
    "B1": ((E.POLICE_CERTIFICATE,),),
    "B2": ((E.XUEJI_NO,), (E.XUEJI_PROVINCE,), (E.SCHOOL_NAME,)),
    "B3": ((E.SCHOOL_NAME,), (E.XUEJI_NO,)),
    "B4": ((E.SCHOOL_NAME,), (E.XUEJI_PROVINCE,), (E.XUEJI_QUERY,)),
    "B5": ((E.DEFERRAL_CERTIFICATE, E.POLICE_CERTIFICATE, E.BIRTH_CERTIFICATE),),
    "B6": ((E.POLICE_CERTIFICATE, E.BIRTH_CERTIFICATE, E.GRADUATION_CERTIFICATE),),
    "B7": ((E.DISABILITY_CERTIFICATE, E.DISABILITY_ASSESSMENT),),
    "B8": ((E.VOCATIONAL_PROOF,),),
    "B9": ((E.POLICE_CERTIFICATE,),),
    "B10": ((E.PASSPORT,), (E.VISA,)),
}


def test_the_notice_categories_are_all_there() -> None:
    assert A_REASONS == {f"A{i}" for i in range(1, 9)}
    assert B_REASONS == {f"B{i}" for i in range(1, 11)}
    assert set(NOTICE_EVIDENCE) == B_REASONS
    for r in REASONS.values():
        assert r.label and r.label_en


@pytest.mark.parametrize("code", sorted(NOTICE_EVIDENCE))
def test_b_reason_rule_matches_the_notice(code: str) -> None:
    assert {frozenset(g) for g in REASONS[code].evidence.groups} == {frozenset(g) for g in NOTICE_EVIDENCE[code]}


B_CASES = [
    pytest.param(code, alt, id=f"{code}-{alt.value}")
    for code, groups in NOTICE_EVIDENCE.items()
    for group in groups
    for alt in group
]


@pytest.mark.parametrize(("code", "alt"), B_CASES)
def test_b_reason_accepts_each_alternative(code: str, alt: EvidenceKind) -> None:
    groups = NOTICE_EVIDENCE[code]
    evidence = [Evidence(alt if alt in g else g[0], "ref") for g in groups]
    assert check_reason(code, B_REASONS, evidence, None).code == code


MISSING = [
    pytest.param(code, i, id=f"{code}-without-group{i}") for code, groups in NOTICE_EVIDENCE.items() for i in range(len(groups))
]


@pytest.mark.parametrize(("code", "drop"), MISSING)
def test_b_reason_refused_without_each_required_piece(code: str, drop: int) -> None:
    groups = NOTICE_EVIDENCE[code]
    evidence = [Evidence(g[0], "ref") for i, g in enumerate(groups) if i != drop]
    # unrelated evidence does not count
    evidence.append(Evidence(E.OTHER, "照片"))
    with pytest.raises(CaseError) as exc:
        check_reason(code, B_REASONS, evidence, None)
    assert exc.value.code == "CASE_EVIDENCE_MISSING"
    assert EVIDENCE_LABELS[groups[drop][0]] in str(exc.value)


@pytest.mark.parametrize("code", sorted(A_REASONS))
def test_a_reasons_need_no_evidence_and_a8_a_note(code: str) -> None:
    if code == "A8":
        with pytest.raises(CaseError, match="备注"):
            check_reason(code, A_REASONS, [], None)
        assert check_reason(code, A_REASONS, [], "随父母外出").code == "A8"
    else:
        assert check_reason(code, A_REASONS, [], None).code == code


@pytest.mark.parametrize("code", sorted(S_REASONS))
def test_s_reasons(code: str) -> None:
    r = REASONS[code]
    evidence = [Evidence(sorted(g)[0], "ref") for g in r.evidence.groups]
    assert check_reason(code, S_REASONS, evidence, "说明").code == code
    if r.evidence.groups:
        with pytest.raises(CaseError):
            check_reason(code, S_REASONS, [], "说明")


@pytest.mark.parametrize(
    ("text", "kind", "ref"),
    [
        ("学籍号=G430123201001011234", E.XUEJI_NO, "G430123201001011234"),
        ("xueji_no=G1", E.XUEJI_NO, "G1"),
        ("公安证明：档案 2025-118", E.POLICE_CERTIFICATE, "档案 2025-118"),
        ("PASSPORT=E123", E.PASSPORT, "E123"),
        ("户籍证明=x", E.POLICE_CERTIFICATE, "x"),
    ],
)
def test_parse_evidence(text: str, kind: EvidenceKind, ref: str) -> None:
    ev = parse_evidence(text)
    assert (ev.kind, ev.ref) == (kind, ref)
    assert parse_evidence(str(ev)) == ev


@pytest.mark.parametrize("text", ["学籍号", "照片=1", "学籍号= "])
def test_parse_evidence_refuses(text: str) -> None:
    with pytest.raises(CaseError):
        parse_evidence(text)


# --- how long a closure's reason holds (issue 19) -------------------------------------



def test_every_b_and_s_reason_has_a_validity_rule() -> None:
    assert set(VALIDITY) == B_REASONS | S_REASONS


def test_school_year_end() -> None:
    assert school_year_end(date(2025, 10, 20)) == date(2026, 8, 31)
    assert school_year_end(date(2026, 3, 1)) == date(2026, 8, 31)
    assert school_year_end(date(2026, 9, 1)) == date(2027, 8, 31)


@pytest.mark.parametrize("code", sorted(c for c, v in VALIDITY.items() if v.holds is Holds.SCHOOL_YEAR))
def test_school_year_reasons_hold_until_the_year_ends(code: str) -> None:
    recorded = date(2025, 10, 20)
    assert closure_hold(VALIDITY[code], code, recorded, date(2026, 8, 31)).holds
    late = closure_hold(VALIDITY[code], code, recorded, date(2026, 9, 1))
    assert not late.holds and "2026-08-31" in late.note and "届满" in late.note


def test_a_deferral_holds_until_the_date_in_its_evidence() -> None:
    rule = VALIDITY["B5"]
    evidence = ["deferral_certificate=缓学证明 2025-118，缓学至2027年3月1日"]
    assert closure_hold(rule, "B5", date(2025, 10, 20), date(2027, 3, 1), evidence).holds
    assert not closure_hold(rule, "B5", date(2025, 10, 20), date(2027, 3, 2), evidence).holds
    # no date in the evidence: the school year, like B2
    assert not closure_hold(rule, "B5", date(2025, 10, 20), date(2026, 9, 1), ["deferral_certificate=档案118"]).holds


@pytest.mark.parametrize("code", ["B6", "S1", "S2", "S3", "S4"])
def test_permanent_reasons_hold_for_the_cases_life(code: str) -> None:
    assert closure_hold(VALIDITY[code], code, date(2025, 10, 20), date(2035, 1, 1)).holds


@pytest.mark.parametrize(("code", "column", "before", "after"), [
    ("B1", "户籍区划代码", "431222101203", "431202101001"),
    ("B7", "残疾", "是", "否"),
    ("B9", "户籍区划代码", "431222101203", "431202101001"),
])
def test_data_contradicting_the_reason_ends_it(code: str, column: str, before: str, after: str) -> None:
    rule = VALIDITY[code]
    same = closure_hold(rule, code, date(2025, 10, 20), date(2030, 1, 1), before={column: before}, now={column: before})
    assert same.holds
    changed = closure_hold(rule, code, date(2025, 10, 20), date(2025, 11, 1), before={column: before}, now={column: after})
    assert not changed.holds and f"{column}：{before} → {after}" in changed.note
