"""Small coded values: sex, yes/no, division codes, household keys, 学籍号, the
contract's vocabularies (户籍状态, 学籍状态, 年级 …), terms and money amounts.

Every function is pure, never raises, and returns ``None`` for a value it cannot
read (the caller turns that into a warning code when the raw value was not empty).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from notoneless.normalize import vocabulary
from notoneless.normalize.idnumber import clean_id

PLACEHOLDERS = frozenset({"", "无", "空", "NULL", "NONE", "NAN", "N/A", "-", "--", "/", "未知", "不详"})


def _text(raw: object) -> str:
    if raw is None:
        return ""
    s = unicodedata.normalize("NFKC", str(raw)).strip().strip("'\"‘’“”").strip()
    return "" if s.upper() in PLACEHOLDERS else s


def is_blank(raw: object) -> bool:
    return _text(raw) == ""


# --- sex (性别) ---------------------------------------------------------------

_SEX = {
    "男": "M", "男性": "M", "男生": "M", "男孩": "M", "1": "M", "M": "M", "MALE": "M", "男士": "M",
    "女": "F", "女性": "F", "女生": "F", "女孩": "F", "2": "F", "F": "F", "FEMALE": "F", "女士": "F",
}


def normalize_sex(raw: object) -> str | None:
    """男/女/1/2/M/F/男性/女性/male/female → 'M' / 'F' (GB/T 2261.1: 1 male, 2 female)."""
    s = re.sub(r"\s+", "", _text(raw)).upper()
    if s.endswith(".0"):
        s = s[:-2]
    return _SEX.get(s)


# --- yes / no ------------------------------------------------------------------

_YES = frozenset({"是", "Y", "YES", "TRUE", "1", "√", "✓", "寄宿", "住校", "T"})
_NO = frozenset({"否", "N", "NO", "FALSE", "0", "×", "不寄宿", "走读", "非寄宿", "F"})


def normalize_bool(raw: object) -> bool | None:
    """是/否, Y/N, 1/0, TRUE/FALSE, √/× → True/False."""
    s = re.sub(r"\s+", "", _text(raw)).upper()
    if s in _YES:
        return True
    if s in _NO:
        return False
    return None


# --- division codes (区划代码, GB/T 2260 + the statistical 12-digit codes) ----------

DIVISION_LENGTHS = (2, 4, 6, 9, 12)


def normalize_division(raw: object) -> str | None:
    """Digits only; a code padded with zero groups is cut to its real level
    (``431202000000`` → ``431202``, ``431202101000`` → ``431202101``); a code whose
    length is not 2, 4, 6, 9 or 12 after that → None."""
    s = clean_id(raw)
    if s.endswith(".0"):
        s = s[:-2]
    s = re.sub(r"[\s'\-]", "", s)
    if not s.isdigit() or s in ("", "0"):
        return None
    if len(s) in (15,):  # some exports carry 15 digits: a 12-digit code + '000'
        s = s[:12] if s.endswith("000") else s
    if len(s) not in DIVISION_LENGTHS:
        return None
    # strip trailing zero segments: 12 → 9 → 6 → 4 → 2
    while True:
        if len(s) == 12 and s.endswith("000"):
            s = s[:9]
        elif len(s) == 9 and s.endswith("000"):
            s = s[:6]
        elif len(s) == 6 and s.endswith("00"):
            s = s[:4]
        elif len(s) == 4 and s.endswith("00"):
            s = s[:2]
        else:
            break
    return s if s[:2] != "00" else None


def division_parts(code: str | None) -> tuple[str | None, str | None, str | None]:
    """(village_code, town_code, county_code) of a normalised division code."""
    if not code:
        return None, None, None
    village = code if len(code) == 12 else None
    town = code[:9] if len(code) >= 9 else None
    county = code[:6] if len(code) >= 6 else None
    return village, town, county


def division_level(code: str) -> str | None:
    for level, n in vocabulary.DIVISION_LEVELS.items():
        if len(code) == n:
            return level
    return None


# --- keys ------------------------------------------------------------------------


def normalize_household_key(raw: object) -> str | None:
    """户号 / 户编号: half-width, no spaces/quotes/separators, upper-case."""
    s = clean_id(raw)
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    s = re.sub(r"[\s'\-_/]", "", s)
    return s if s and s not in PLACEHOLDERS else None


_XUEJI_CLEAN_RE = re.compile(r"^[GL][0-9A-Z]{4,30}$")


def normalize_xueji_no(raw: object) -> str | None:
    """学籍号: half-width, no spaces/quotes, upper-case (``g431…x`` → ``G431…X``)."""
    if type(raw) is str and _XUEJI_CLEAN_RE.match(raw):
        return raw
    s = clean_id(raw)
    s = re.sub(r"[\s'\-_]", "", s)
    return s if s and s not in PLACEHOLDERS else None


def id_from_xueji_no(xueji_no: str | None) -> str | None:
    """The ID number inside a ``G``-学籍号 (``G`` + 18 characters), else None."""
    if xueji_no and len(xueji_no) == 19 and xueji_no[0] == "G":
        return xueji_no[1:]
    return None


def normalize_phone(raw: object) -> str | None:
    s = re.sub(r"[^\d+]", "", _text(raw))
    if s.startswith("+86"):
        s = s[3:]
    return s or None


# --- vocabularies -------------------------------------------------------------------

_HUKOU_STATUS = {
    "正常": "正常", "在册": "正常", "有效": "正常", "正常户口": "正常",
    "迁出": "迁出", "已迁出": "迁出", "迁移": "迁出", "迁往外地": "迁出",
    "死亡": "死亡", "已死亡": "死亡", "死亡注销": "死亡",
    "注销": "注销", "已注销": "注销",
}
_ENROL_STATUS = {
    "在读": "在读", "在校": "在读", "正常": "在读", "在籍在校": "在读",
    "休学": "休学", "转出": "转出", "已转出": "转出", "毕业": "毕业", "已毕业": "毕业",
}
_CN_DIGITS = "一二三四五六七八九"


def _vocab(raw: object, table: dict[str, str] | None, allowed: tuple[str, ...]) -> str | None:
    s = re.sub(r"\s+", "", _text(raw))
    if s in allowed:
        return s
    return table.get(s) if table else None


def normalize_hukou_status(raw: object) -> str | None:
    return _vocab(raw, _HUKOU_STATUS, vocabulary.HUKOU_STATUSES)


def normalize_enrol_status(raw: object) -> str | None:
    return _vocab(raw, _ENROL_STATUS, vocabulary.ENROL_STATUSES)


def normalize_vocab(raw: object, allowed: tuple[str, ...]) -> str | None:
    """A value of a closed vocabulary (spaces and full-width removed), else None."""
    return _vocab(raw, None, allowed)


def normalize_relief_type(raw: object) -> str | None:
    s = re.sub(r"\s+", "", _text(raw))
    if s in vocabulary.RELIEF_TYPES:
        return s
    aliases = {"农村低保户": "农村低保", "农村特困供养": "农村特困", "特困供养": "农村特困",
               "农村特困人员": "农村特困", "城市低保户": "城市低保", "城镇低保": "城市低保"}
    return aliases.get(s)


def normalize_grade(raw: object) -> str | None:
    """一年级…九年级, 高一…高三; also ``1年级``, ``3``, ``初一`` (= 七年级), ``高中一年级``."""
    s = re.sub(r"\s+", "", _text(raw))
    if s.endswith(".0"):
        s = s[:-2]
    if s in vocabulary.GRADES_COMPULSORY or s in vocabulary.GRADES_HIGH:
        return s
    m = re.fullmatch(r"(?:小学)?([1-9一二三四五六七八九])(?:年级)?", s)
    if m:
        g = m.group(1)
        n = int(g) if g.isdigit() else _CN_DIGITS.index(g) + 1
        return _CN_DIGITS[n - 1] + "年级"
    m = re.fullmatch(r"(?:初中?|初级中学)([1-3一二三])(?:年级)?", s)
    if m:
        g = m.group(1)
        n = int(g) if g.isdigit() else _CN_DIGITS.index(g) + 1
        return _CN_DIGITS[n + 5] + "年级"
    m = re.fullmatch(r"高(?:中)?([1-3一二三])(?:年级)?", s)
    if m:
        g = m.group(1)
        n = int(g) if g.isdigit() else _CN_DIGITS.index(g) + 1
        return "高" + _CN_DIGITS[n - 1]
    return None


def normalize_term(raw: object) -> str | None:
    """``YYYY春`` / ``YYYY秋`` from ``2025秋``, ``2025年秋季``, ``2025秋季学期``,
    ``2025-2026学年第一学期`` (= 2025秋), ``…第二学期`` (= 2026春)."""
    s = re.sub(r"\s+", "", _text(raw))
    m = re.fullmatch(r"(\d{4})年?(春|秋)(?:季)?(?:学期)?", s)
    if m:
        return m.group(1) + m.group(2)
    m = re.fullmatch(r"(\d{4})[-—~至/](\d{4})学年(?:度)?第?([一二12上下])学期", s)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        first = m.group(3) in ("一", "1", "上")
        return f"{m.group(1)}秋" if first else f"{m.group(2)}春"
    return None


def normalize_amount(raw: object) -> Decimal | None:
    """``1,000``, ``1000.00``, ``￥1000``, ``1000元`` → Decimal with 2 places; negative or
    unreadable → None."""
    s = _text(raw)
    s = re.sub(r"[,\s￥¥元]|RMB|CNY", "", s, flags=re.IGNORECASE)
    if not s:
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    if not d.is_finite() or d < 0 or d >= Decimal("1e10"):
        return None
    return d.quantize(Decimal("0.01"))
