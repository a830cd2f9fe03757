"""Resident identity numbers (居民身份证号码, GB 11643): cleaning, validation, repair.

``normalize_id(raw)`` turns whatever a clerk typed or Excel exported into an
:class:`IdResult`. It never raises. The check digit and the embedded birth date are
validated with python-stdnum's ``stdnum.cn.ric`` (``calc_check_digit`` and
``get_birth_date``). We do not call ``ric.is_valid`` itself: it also looks the first
six digits up in stdnum's bundled place database, which rejects numbers issued under
county codes newer than that database (and raises ``KeyError`` on some prefecture
codes, e.g. ``431299…``), so a real child's correct number could be marked invalid.
A number is *valid* here when it has 17 digits plus a digit or ``X``, the check digit
fits, the birth date is a real date between 1900 and today, and the first two digits
are a province code of GB/T 2260.

``id_issue`` says what was wrong with the input (workspace.md):

- ``ok``: already in canonical form and valid;
- ``missing``: empty or a placeholder (无, NULL, -, …);
- ``cosmetic``: valid after removing spaces/apostrophes, full-width digits, lower ``x``;
- ``len15``: the legacy 15-digit form, converted (century 19, computed check digit);
- ``bad_check``: 18 characters that fail the check; ``id_candidates`` holds the valid
  numbers one substituted digit or one adjacent transposition away (never substituted);
- ``sci_notation``: Excel's scientific notation (``4.31225E+17``), unrecoverable;
  ``id_prefix`` keeps the leading digits that are certain; also an 18-digit number
  ending in ``000`` that fails the check (Excel's 15 significant digits written out);
- ``disability_cert``: a 20-digit 残疾人证号 (the ID followed by category and grade
  digits); the first 18 digits are taken as the ID;
- ``malformed``: anything else (wrong length, letters, an impossible birth date with
  a fitting check digit).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from stdnum.cn import ric

ISSUES = ("ok", "missing", "cosmetic", "len15", "bad_check", "sci_notation", "disability_cert", "malformed")
# What officers read for each issue (the trail page: what was repaired).
ISSUE_LABELS = {
    "ok": "无需修复",
    "missing": "缺失",
    "cosmetic": "去除空格、全角字符等格式",
    "len15": "身份证号 15 位升 18 位",
    "bad_check": "校验位错误（列出一位之差的候选号码，不替换）",
    "sci_notation": "Excel 科学计数法（无法还原，保留确定的前几位）",
    "disability_cert": "残疾证号取前 18 位身份证号",
    "malformed": "格式不符（未修复）",
}

# GB/T 2260 province-level codes (first two digits of every valid ID number).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

_PLACEHOLDERS = frozenset({"", "无", "空", "NULL", "NONE", "NAN", "N/A", "NA", "-", "--", "/", "0", "暂无", "未知"})
# Characters a clerk or an export puts around or inside the number.
_STRIP_RE = re.compile(r"[\s'\"`‘’“”\-_,，.。:：;；()（）\[\]【】]")
_SCI_RE = re.compile(r"^([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,2})$")
_ID18_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_ANY18_RE = re.compile(r"^[0-9X]{18}$")
MIN_YEAR = 1900


@dataclass(frozen=True, slots=True)
class IdResult:
    """What one raw ID value normalises to (columns of ``person_records``)."""

    id_norm: str | None
    id_valid: bool
    id_issue: str
    id_candidates: tuple[str, ...] = field(default=())
    id_prefix: str | None = None
    birth_date: date | None = None
    sex: str | None = None  # 'M' / 'F'
    birth_county: str | None = None


def clean_id(raw: object) -> str:
    """Cosmetic cleaning only: NFKC (full-width → half-width), drop spaces, quotes,
    separators, upper-case. Keeps a dot and ``E`` so that scientific notation stays
    recognisable (the caller checks for it before removing dots)."""
    if raw is None:
        return ""
    s = unicodedata.normalize("NFKC", str(raw)).strip().upper()
    s = re.sub(r"[\s'\"`‘’“”]", "", s)
    return s


TODAY = date.today()  # the latest birth date a valid number can carry (as of import)


@lru_cache(maxsize=131072)
def _segment_date(segment: str) -> date | None:
    # The YYYYMMDD segment as a date (what stdnum's ric.get_birth_date does, without its
    # per-call cleaning, which is slow); cached because there are few distinct dates.
    try:
        d = date(int(segment[:4]), int(segment[4:6]), int(segment[6:8]))
    except ValueError:
        return None
    if d.year < MIN_YEAR or d > TODAY:
        return None
    return d


def _birth_date(number18: str) -> date | None:
    return _segment_date(number18[6:14])


def is_valid_id(number: str) -> bool:
    """True when ``number`` is a canonical valid 18-character ID number (see module doc)."""
    if not isinstance(number, str) or not _ID18_RE.match(number):
        return False
    if number[:2] not in PROVINCE_CODES:
        return False
    if ric.calc_check_digit(number) != number[17]:
        return False
    return _segment_date(number[6:14]) is not None


def _valid_result(number: str, issue: str, prefix: str | None = None) -> IdResult:
    return IdResult(
        id_norm=number,
        id_valid=True,
        id_issue=issue,
        id_prefix=prefix,
        birth_date=_birth_date(number),
        sex="M" if int(number[16]) % 2 == 1 else "F",
        birth_county=number[:6],
    )


# GB 11643 check: S = sum(digit_i * WEIGHTS[i]) over the first 17 digits; the check
# character is CHECK_CHARS[S % 11]. (stdnum's calc_check_digit computes the same.)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_INV_WEIGHTS = tuple(pow(w, -1, 11) for w in WEIGHTS)


def _fits(number: str) -> bool:
    """``is_valid_id`` for a number known to be 17 digits and a fitting check character:
    only the province code and the birth date are left to check."""
    return number[:2] in PROVINCE_CODES and _segment_date(number[6:14]) is not None


def repair_candidates(number: str) -> tuple[str, ...]:
    """Valid ID numbers one substituted character or one adjacent transposition away
    from an 18-character ``number`` (which is itself invalid). Sorted, without
    ``number`` itself. Evidence for linkage, never a silent substitution.

    Solved, not searched: the check character fixes the weighted digit sum mod 11, so
    each repair is tested by arithmetic and only the ones that fit become strings
    (``tests/normalize/test_idnumber.py`` checks the result against trying every
    substitution and swap with ``is_valid_id``)."""
    if not _ANY18_RE.match(number):
        return ()
    found: set[str] = set()
    head = number[:17]
    others = [i for i, c in enumerate(head) if c == "X"]  # X inside the first 17
    digits = [0 if c == "X" else ord(c) - 48 for c in head]
    total = sum(d * w for d, w in zip(digits, WEIGHTS))
    target = CHECK_CHARS.index(number[17])
    # one wrong character in the first 17: every weight is invertible mod 11, so at each
    # position at most one digit fits; solve for it instead of trying all ten
    for i in range(17) if not others else others if len(others) == 1 else ():
        d = (target - total + digits[i] * WEIGHTS[i]) * _INV_WEIGHTS[i] % 11
        if d < 10 and (d != digits[i] or others):
            cand = number[:i] + chr(48 + d) + number[i + 1:]
            if _fits(cand):
                found.add(cand)
    if not others:
        cand = head + CHECK_CHARS[total % 11]  # a wrong check character
        if _fits(cand):
            found.add(cand)
    # two adjacent characters swapped
    for i in range(17):
        a, b = number[i], number[i + 1]
        if a == b:
            continue
        if others or i == 16:
            cand = number[:i] + b + a + number[i + 2:]
            if is_valid_id(cand):
                found.add(cand)
        elif CHECK_CHARS[(total + (digits[i + 1] - digits[i]) * (WEIGHTS[i] - WEIGHTS[i + 1])) % 11] == number[17]:
            cand = number[:i] + b + a + number[i + 2:]
            if _fits(cand):
                found.add(cand)
    found.discard(number)
    return tuple(sorted(found))


def _sci_prefix(mantissa_int: str, mantissa_frac: str, exponent: int) -> str | None:
    # The displayed mantissa is rounded in its last digit; only the digits before it
    # are certain, and a float never holds more than 15 certain decimal digits.
    digits = (mantissa_int + (mantissa_frac or "")).rstrip("0") or mantissa_int
    certain = digits[:-1] if len(digits) > 1 else ""
    certain = certain[: min(15, exponent + 1)]
    return certain or None


def normalize_id(raw: object) -> IdResult:
    """Normalise one raw ID value. Never raises."""
    try:
        return _normalize_id(raw)
    except Exception:  # pragma: no cover - defensive: a normaliser must never stop a run
        return IdResult(None, False, "malformed")


def _normalize_id(raw: object) -> IdResult:
    if type(raw) is str and len(raw) == 18 and _ID18_RE.match(raw) and is_valid_id(raw):
        return _valid_result(raw, "ok")  # the common case, without cleaning
    s = clean_id(raw)
    if s in _PLACEHOLDERS:
        return IdResult(None, False, "missing")
    m = _SCI_RE.match(s)
    if m:
        return IdResult(None, False, "sci_notation", id_prefix=_sci_prefix(m.group(1), m.group(2) or "", int(m.group(3))))
    if s.endswith(".0") and s[:-2].isdigit():  # a number exported from a float cell
        s = s[:-2]
    s = _STRIP_RE.sub("", s)
    raw_str = "" if raw is None else str(raw).strip()
    cosmetic = s != raw_str
    if _ID18_RE.match(s):
        if is_valid_id(s):
            return _valid_result(s, "cosmetic" if cosmetic else "ok")
        if ric.calc_check_digit(s) == s[17]:
            # the check digit fits but the date or region cannot be: two errors or a
            # made-up number; no single repair explains it
            return IdResult(s, False, "malformed")
        if s.endswith("000") and s.isdigit():
            # Excel keeps 15 significant digits: an ID stored as a number and written
            # back out in full ends in 000 and fails the check; the last three digits
            # are lost, so this is the same unrecoverable case as scientific notation.
            # The repair candidates are kept as (weak) evidence: a real ID ending in 0
            # with a typo elsewhere looks the same.
            return IdResult(None, False, "sci_notation", id_candidates=repair_candidates(s), id_prefix=s[:15])
        return IdResult(s, False, "bad_check", id_candidates=repair_candidates(s))
    if _ANY18_RE.match(s) and s.count("X") == 1:
        # an X moved off the check position (e.g. the last two characters swapped)
        return IdResult(s, False, "bad_check", id_candidates=repair_candidates(s))
    if len(s) == 15 and s.isdigit():
        body = s[:6] + "19" + s[6:]
        full = body + ric.calc_check_digit(body + "0")
        if is_valid_id(full):
            return _valid_result(full, "len15")
        return IdResult(None, False, "malformed")
    if len(s) == 20 and s.isdigit() or (len(s) == 20 and _ID18_RE.match(s[:18]) and s[18:].isdigit()):
        head = s[:18]
        if is_valid_id(head):
            return _valid_result(head, "disability_cert")
        return IdResult(head, False, "disability_cert", id_candidates=repair_candidates(head))
    return IdResult(None, False, "malformed")


IdRow = tuple  # (id_norm, id_valid, id_issue, candidates list, id_prefix, birth_date, sex, birth_county)


def normalize_id_row(raw: str) -> IdRow:
    """``normalize_id`` as a plain tuple, for bulk normalisation of distinct values.
    The canonical valid case (most values) skips the dataclass and the cleaning."""
    if len(raw) == 18 and raw[:2] in PROVINCE_CODES and _ID18_RE.match(raw) and ric.calc_check_digit(raw) == raw[17]:
        d = _segment_date(raw[6:14])
        if d is not None:
            return (raw, True, "ok", [], None, d, "M" if raw[16] in "13579" else "F", raw[:6])
    r = normalize_id(raw)
    return (r.id_norm, r.id_valid, r.id_issue, list(r.id_candidates), r.id_prefix, r.birth_date, r.sex, r.birth_county)


def birth_date_from_id(number: str) -> date | None:
    """The birth date embedded in a valid ID number, else None."""
    return _birth_date(number) if is_valid_id(number) else None


def lookup_keys(key: str) -> list[str]:
    """The forms of a key an officer typed (人员编号, ID number or 学籍号) to look up: as typed,
    as cleaned, and as a normalised ID number."""
    cleaned = clean_id(key)
    keys = [key.strip(), cleaned]
    result = normalize_id(key)
    if result.id_norm:
        keys.append(result.id_norm)
    return list(dict.fromkeys(k for k in keys if k))
