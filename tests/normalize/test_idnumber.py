"""ID numbers: every dirt kind of the contract, plus properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from notoneless.normalize.idnumber import is_valid_id, normalize_id, repair_candidates


def _valid(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


VALID = _valid("43120220120305001")  # boy born 2012-03-05 in 431202
VALID_X = next(v for v in (_valid(f"43122420110910{n:03d}") for n in range(200)) if v.endswith("X"))
FULLWIDTH = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    ("raw", "issue", "norm"),
    [
        (VALID, "ok", VALID),
        (f" {VALID} ", "ok", VALID),
        (VALID_X.lower(), "cosmetic", VALID_X),
        (f"{VALID[:6]} {VALID[6:14]} {VALID[14:]}", "cosmetic", VALID),
        ("'" + VALID, "cosmetic", VALID),
        ("‘" + VALID, "cosmetic", VALID),
        (FULLWIDTH, "cosmetic", VALID),
        (VALID + ".0", "cosmetic", VALID),
        ("431202120305001", "len15", _valid("43120219120305001")),
        (VALID + "12", "disability_cert", VALID),
        ("", "missing", None),
        ("无", "missing", None),
        (None, "missing", None),
        ("4.31225E+17", "sci_notation", None),
        ("4.31202201203E+17", "sci_notation", None),
        (VALID[:15] + "000" if not (VALID[:15] + "000") == VALID else VALID, "sci_notation", None),
        ("431202", "malformed", None),
        ("ABCDEFGHIJKLMNOPQR", "malformed", None),
        ("431202201302300011"[:17] + ric.calc_check_digit("431202201302300011"), "malformed", "431202201302300011"[:17] + ric.calc_check_digit("431202201302300011")),
    ],
)
def test_dirt_kinds(raw, issue, norm):
    r = normalize_id(raw)
    assert r.id_issue == issue
    assert r.id_norm == norm
    assert r.id_valid == (issue in ("ok", "cosmetic", "len15", "disability_cert"))


def test_derived_fields_of_a_valid_id():
    r = normalize_id(VALID)
    assert r.birth_date == date(2012, 3, 5)
    assert r.sex == "M"  # 17th digit 1 is odd
    assert r.birth_county == "431202"
    assert normalize_id(_valid("43120220120305002")).sex == "F"


def test_len15_uses_century_19_and_computes_the_check_digit():
    r = normalize_id("431202850101123")
    assert r.id_norm == _valid("43120219850101123")
    assert r.birth_date == date(1985, 1, 1)
    assert ric.calc_check_digit(r.id_norm) == r.id_norm[-1]


def test_excel_truncated_18_digits_is_unrecoverable_but_keeps_candidates():
    v = next(v for v in (_valid(f"43120220120305{n:03d}") for n in range(100, 1000, 100)) if v.endswith("0"))
    typo = ("5" if v[3] != "5" else "6").join([v[:3], v[4:]])
    r = normalize_id(typo)
    assert r.id_issue == "sci_notation" and r.id_norm is None and r.id_prefix == typo[:15]
    assert v in r.id_candidates


def test_sci_notation_keeps_only_the_certain_prefix():
    r = normalize_id("4.31225E+17")
    assert r.id_norm is None and not r.id_valid
    assert r.id_prefix == "43122"  # the last shown digit may be rounded
    assert normalize_id("4.312252012030501e+17").id_prefix == "431225201203050"


def test_wrong_check_digit_is_a_candidate_never_a_substitute():
    bad = VALID[:17] + str((int(VALID[17]) + 1) % 10) if VALID[17] != "X" else VALID[:17] + "0"
    r = normalize_id(bad)
    assert r.id_issue == "bad_check"
    assert r.id_norm == bad and not r.id_valid
    assert VALID in r.id_candidates
    assert r.birth_date is None and r.sex is None  # nothing derived from an invalid number


def test_transposed_digits():
    t = VALID[:8] + VALID[9] + VALID[8] + VALID[10:]
    assert t != VALID
    r = normalize_id(t)
    assert r.id_issue == "bad_check"
    assert VALID in r.id_candidates


def test_x_moved_off_the_check_position():
    t = VALID_X[:16] + "X" + VALID_X[16]
    r = normalize_id(t)
    assert r.id_issue == "bad_check"
    assert VALID_X in r.id_candidates


def test_candidates_are_all_valid_and_exclude_the_input():
    bad = VALID[:10] + ("9" if VALID[10] != "9" else "8") + VALID[11:]
    cands = repair_candidates(bad)
    assert cands and all(is_valid_id(c) for c in cands)
    assert bad not in cands
    for c in cands:  # each is one substitution or one adjacent swap away
        diff = [i for i in range(18) if c[i] != bad[i]]
        assert len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and c[diff[0]] == bad[diff[1]])


def test_stdnum_agrees_on_valid_numbers():
    assert ric.calc_check_digit(VALID) == VALID[-1]
    assert is_valid_id(VALID)
    assert not is_valid_id(VALID[:17] + ("0" if VALID[17] != "0" else "1"))


# --- properties -------------------------------------------------------------------------

def _valid_ids():
    return st.builds(
        lambda region, d, seq: _valid(f"{region}{d:%Y%m%d}{seq:03d}"),
        st.sampled_from(["431202", "431223", "110101", "440306", "330782", "652901"]),
        st.dates(min_value=date(1950, 1, 1), max_value=date(2024, 12, 31)),
        st.integers(0, 999),
    )


def _corrupt(draw, vid: str) -> str:
    s = vid
    if draw(st.booleans()):
        s = s.lower()
    if draw(st.booleans()):
        s = s.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(s)))
        s = s[:i] + draw(st.sampled_from([" ", "\u3000", "\t"])) + s[i:]
    if draw(st.booleans()):
        s = draw(st.sampled_from(["'", "‘", "`"])) + s
    return s


@st.composite
def cosmetic_corruptions(draw):
    vid = draw(_valid_ids())
    return vid, _corrupt(draw, vid)


@settings(max_examples=150, deadline=None)
@given(cosmetic_corruptions())
def test_a_valid_id_survives_every_cosmetic_corruption(pair):
    vid, dirty = pair
    r = normalize_id(dirty)
    assert r.id_valid and r.id_norm == vid


@settings(max_examples=150, deadline=None)
@given(_valid_ids(), st.integers(0, 17), st.integers(1, 10))
def test_a_one_digit_typo_yields_the_original_among_candidates(vid, pos, delta):
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    cur = alphabet.index(vid[pos])
    typo = vid[:pos] + alphabet[(cur + delta) % len(alphabet)] + vid[pos + 1:]
    if typo == vid:
        return
    r = normalize_id(typo)
    assert not r.id_valid  # a single substitution always breaks GB 11643's check
    assert vid in r.id_candidates


@settings(max_examples=150, deadline=None)
@given(_valid_ids(), st.integers(0, 16))
def test_an_adjacent_transposition_yields_the_original_among_candidates(vid, pos):
    if vid[pos] == vid[pos + 1]:
        return
    t = vid[:pos] + vid[pos + 1] + vid[pos] + vid[pos + 2:]
    r = normalize_id(t)
    if r.id_valid:  # swapping with the check digit may by chance give another valid number
        assert pos == 16
        return
    assert vid in r.id_candidates


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_string_raises_and_normalising_twice_is_once(s):
    r = normalize_id(s)
    assert r.id_issue in ("ok", "missing", "cosmetic", "len15", "bad_check", "sci_notation", "disability_cert", "malformed")
    if r.id_norm is not None:
        again = normalize_id(r.id_norm)
        assert again.id_norm == r.id_norm
        assert again.id_valid == r.id_valid
        assert set(again.id_candidates) == set(r.id_candidates)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789Xx .E+'", max_size=24))
def test_no_id_shaped_string_raises(s):
    normalize_id(s)


def _brute_force_candidates(number: str) -> tuple[str, ...]:
    """The definition of repair candidates, spelled out: every string one character
    (a digit in the first 17, a digit or X last) or one adjacent swap away, kept when valid."""
    found = set()
    for i in range(18):
        for c in "0123456789" + ("X" if i == 17 else ""):
            found.add(number[:i] + c + number[i + 1:])
    for i in range(17):
        found.add(number[:i] + number[i + 1] + number[i] + number[i + 2:])
    return tuple(sorted(c for c in found if c != number and is_valid_id(c)))


@settings(max_examples=60, deadline=None)
@given(_valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_repair_candidates_are_exactly_the_brute_force_set(vid, pos, ch):
    s = vid[:pos] + ch + vid[pos + 1:]
    if is_valid_id(s):
        return
    assert repair_candidates(s) == _brute_force_candidates(s)


@st.composite
def _damaged_ids(draw):
    """Valid numbers with one to three random characters of 0-9/X overwritten or swapped."""
    s = list(draw(_valid_ids()))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, 17))
        if draw(st.booleans()) and i < 17:
            s[i], s[i + 1] = s[i + 1], s[i]
        else:
            s[i] = draw(st.sampled_from("0123456789X"))
    return "".join(s)


@settings(max_examples=400, deadline=None)
@given(_damaged_ids())
def test_repair_candidates_are_exactly_the_valid_numbers_one_slip_away(number):
    # repair_candidates solves for the one digit that fits each position; the brute force
    # tries them all. A wrong check character (position 17) is found by both.
    assert repair_candidates(number) == _brute_force_candidates(number)
