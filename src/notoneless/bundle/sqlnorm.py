"""Normalisers as DuckDB SQL: the set-based forms of ``normalize.idnumber``,
``normalize.names``, ``normalize.dates`` and ``normalize.codes`` used when staging a
bundle (``maps.build_maps``).

The Python functions are the reference. The SQL here covers the common shapes only —
an ID number that is already canonical and valid, a date written ``2012-03-05`` /
``2012/3/5`` / ``2012年3月5日`` / ``20120305``, a household key or 学籍号 already clean —
and gives exactly what the Python function gives for them; every other value (a typo'd
ID, a full-width digit, a placeholder …) is left to Python. Names are cleaned in
Python (OpenCC, NFKC) and split, romanised and checked for swapped order here, from a
table of each distinct character's pinyin. The functions return SQL text; the caller
(``bundle.staging``) runs it. ``tests/bundle/test_sqlnorm.py`` checks on
generated values that both paths agree, so they cannot drift apart.

Why SQL: a demo bundle has ~130k distinct ID numbers and ~80k distinct names; Python
spends 10–15 µs on each, DuckDB a fraction of that on two threads.
"""

from __future__ import annotations

import re

from notoneless.normalize import codes, names, targets
from notoneless.normalize.idnumber import CHECK_CHARS, MIN_YEAR, PROVINCE_CODES, TODAY, WEIGHTS


def _in_list(values: object) -> str:
    """A SQL IN list of string literals."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


# --- ID numbers -------------------------------------------------------------------------


def id_ok_select(src: str) -> str:
    """Rows of the ID map (``raw, id_norm, id_valid, id_issue, id_candidates, id_prefix,
    id_birth, id_sex, birth_county``) for the values ``v`` of ``src`` (a table or a
    parenthesised query) that are canonical valid ID numbers (``normalize_id`` gives
    issue ``ok`` without cleaning): a province code, 15 more digits and a digit or X,
    the GB 11643 check character, and a birth date between 1900 and today."""
    # the digits by integer arithmetic on the first 17 as one BIGINT (twice as fast as
    # 17 substrings); try_cast: DuckDB may evaluate this before the pattern check
    weighted = " + ".join(f"(n // {10 ** (16 - i)} % 10) * {w}" for i, w in enumerate(WEIGHTS))
    provinces = "|".join(sorted(PROVINCE_CODES))
    return f"""
        SELECT v AS raw, v AS id_norm, true AS id_valid, 'ok' AS id_issue, []::VARCHAR[] AS id_candidates,
               NULL::VARCHAR AS id_prefix, b AS id_birth,
               CASE WHEN ascii(v[17]) % 2 = 1 THEN 'M' ELSE 'F' END AS id_sex, substr(v, 1, 6) AS birth_county
        FROM (
            SELECT v, try_strptime(substr(v, 7, 8), '%Y%m%d')::DATE AS b
            FROM (SELECT v, try_cast(substr(v, 1, 17) AS BIGINT) AS n FROM {src}
                  WHERE regexp_full_match(v, '(?:{provinces})[0-9]{{15}}[0-9X]'))
            WHERE v[18] = substr('{CHECK_CHARS}', ({weighted}) % 11 + 1, 1)
        )
        WHERE b BETWEEN DATE '{MIN_YEAR:04d}-01-01' AND DATE '{TODAY.isoformat()}'
    """


# --- 学籍号 and keys ------------------------------------------------------------------------


def xueji_no_ok_select(src: str) -> str:
    """Rows of the 学籍号 map (``raw, xueji_no, xno_id``) for values already clean
    (``normalize_xueji_no`` returns them unchanged): G or L and 4–30 of 0-9A-Z."""
    return f"""
        SELECT v AS raw, v AS xueji_no, CASE WHEN length(v) = 19 AND v[1] = 'G' THEN substr(v, 2) END AS xno_id
        FROM {src} WHERE regexp_full_match(v, '[GL][0-9A-Z]{{4,30}}')
    """


def household_key_ok(v: str) -> str:
    """True for a key ``normalize_household_key`` returns unchanged: 0-9A-Z only and not
    a placeholder word (NULL, NONE …)."""
    words = [p for p in codes.PLACEHOLDERS if p.isascii() and p.isalnum() and p.upper() == p]
    return f"(regexp_full_match({v}, '[0-9A-Z]+') AND {v} NOT IN {_in_list(words)})"


# --- 包保对象 ---------------------------------------------------------------------------------


def target_ok_select(pairs: str) -> str:
    """Rows of the 包保对象 map (``raw, duty, target_norm, target_kind,
    target_candidates``) for the pairs ``(raw, duty)`` of table ``pairs`` (duty '' for
    none) that ``normalize_target`` returns unchanged, without repair candidates: a
    canonical valid ID number as a person key (duty 包人 or none); a clean 学籍号
    (``[GL]`` and 8–30 of 0-9A-Z) as a person key; a clean household key (0-9A-Z, no
    placeholder word) for 包户, or, when it looks neither like a 学籍号 nor like an ID
    number, as a person key (包人) or a household (none). 包村 and everything else is
    left to Python."""
    xueji = "regexp_full_match(raw, '[GL][0-9A-Z]{8,30}')"
    shaped = f"(regexp_full_match(raw, '{targets.XUEJI_RE.pattern}') OR regexp_full_match(raw, '{targets.IDLIKE_RE.pattern}'))"
    return f"""
        SELECT raw, duty, raw AS target_norm, 'person_id' AS target_kind, []::VARCHAR[] AS target_candidates
        FROM {pairs}
        WHERE duty IN ('', '包人') AND raw IN (SELECT raw FROM ({id_ok_select(f"(SELECT DISTINCT raw AS v FROM {pairs})")}))
        UNION ALL
        SELECT raw, duty, raw, 'xueji_no', []::VARCHAR[] FROM {pairs} WHERE duty IN ('', '包人') AND {xueji}
        UNION ALL
        SELECT raw, duty, raw, CASE duty WHEN '包人' THEN 'person_id' ELSE 'household' END, []::VARCHAR[]
        FROM {pairs}
        WHERE {household_key_ok('raw')} AND (duty = '包户' OR (duty IN ('', '包人') AND NOT {shaped}))
    """


# --- dates ------------------------------------------------------------------------------------


_YMD = "([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?"


def date_select(src: str) -> str:
    """Rows of the date map (``raw, d, warn``) for values of ``src`` in the shapes
    ``2012-03-05``, ``2012/3/5``, ``2012.03.05``, ``2012年3月5日`` (ASCII digits, no spaces)
    and ``20120305``: the date, or ``date_invalid`` for a day that does not exist or a
    year outside 1900–2100 (``normalize.dates.parse_date``)."""
    part = lambda i: f"try_cast(regexp_extract(v, '^{_YMD}$', {i}) AS INTEGER)"  # noqa: E731
    return f"""
        SELECT v AS raw, d, CASE WHEN d IS NULL THEN 'date_invalid' END AS warn
        FROM (
            SELECT v, CASE WHEN y BETWEEN 1900 AND 2100 THEN try(make_date(y, m, dd)) END AS d
            FROM (
                SELECT v, {part(1)} AS y, {part(2)} AS m, {part(3)} AS dd
                FROM {src} WHERE regexp_full_match(v, '{_YMD}')
                UNION ALL
                SELECT v, try_cast(substr(v, 1, 4) AS INTEGER), try_cast(substr(v, 5, 2) AS INTEGER),
                       try_cast(substr(v, 7, 2) AS INTEGER)
                FROM {src} WHERE regexp_full_match(v, '[0-9]{{8}}')
            )
        )
    """


# --- names --------------------------------------------------------------------------------------


def name_chars_select(norms: str) -> str:
    """The distinct characters ``c`` of the names ``norm`` of table ``norms`` (each needs
    its pinyin, ``names.char_pinyin``, in the table that ``name_fields_select`` reads)."""
    return f"SELECT DISTINCT unnest(string_split(norm, '')) AS c FROM {norms} WHERE norm IS NOT NULL"


def _one_of(words: object) -> str:
    """An RE2 alternation of literal words (faster than a long IN list: one automaton)."""
    return "|".join(re.escape(w) for w in sorted(words))


def name_fields_select(norms: str, chars: str, readings: str) -> str:
    """``NameResult``'s fields (``raw, name_norm, surname, given_name, name_pinyin,
    surname_pinyin, given_pinyin, name_swapped``) for each row ``(raw, norm)`` of table
    ``norms``, where ``norm`` is ``names.clean_names``' result; ``chars`` holds
    ``(c, py)`` for every character of the norms (``names.char_pinyin``), ``readings``
    holds ``(s, py)``: ``names.SURNAME_READINGS``. Pinyin is looked up per character in
    a MAP (a join + ordered aggregation per name costs ten times more)."""
    compound = _one_of(names.COMPOUND_SURNAMES)
    common, any_surname = _one_of(names.COMMON_SURNAMES), _one_of(names.ANY_SURNAME)
    entries = "map_from_entries(list(struct_pack(k := {0}, v := py))) FROM {1}"
    return f"""
        WITH m AS (
            SELECT (SELECT {entries.format('c', chars)}) AS py, (SELECT {entries.format('s', readings)}) AS rd
        ),
        n AS (
            -- split_name: at the first middle dot, else after a compound surname, else after one character
            SELECT raw, norm, string_split(norm, '') AS cs, length(norm) AS len, contains(norm, '·') AS dot,
                   CASE WHEN contains(norm, '·') THEN strpos(norm, '·') - 1
                        WHEN length(norm) >= 3 AND regexp_matches(norm, '^(?:{compound})') THEN 2 ELSE 1 END AS slen
            FROM {norms} WHERE norm IS NOT NULL
        ),
        f AS (
            -- pinyin per character, joined (a middle dot's pinyin is empty); without a dot the
            -- surname takes its surname reading (as a whole, else per character)
            SELECT n.raw, n.norm, n.len, n.dot, n.slen,
                   CASE WHEN n.dot THEN array_to_string(list_transform(n.cs[1:n.slen], lambda x: m.py[x]), '')
                        ELSE coalesce(m.rd[substr(n.norm, 1, n.slen)],
                                      array_to_string(list_transform(n.cs[1:n.slen], lambda x: coalesce(m.rd[x], m.py[x])), ''))
                   END AS s_py,
                   array_to_string(list_transform(n.cs[n.slen + 1:], lambda x: m.py[x]), '') AS g_py
            FROM n, m
        )
        SELECT nn.raw, f.norm AS name_norm,
               nullif(substr(f.norm, 1, f.slen), '') AS surname,
               nullif(substr(f.norm, f.slen + 1 + f.dot::INTEGER), '') AS given_name,
               nullif(f.s_py || f.g_py, '') AS name_pinyin, nullif(f.s_py, '') AS surname_pinyin,
               nullif(f.g_py, '') AS given_pinyin,
               -- looks_swapped: two to four Han characters, the first no surname, the last one
               -- (or two) a common (compound) surname
               coalesce(NOT f.dot AND f.len BETWEEN 2 AND 4 AND regexp_full_match(f.norm, '[\\x{{4e00}}-\\x{{9fff}}]+')
                   AND NOT regexp_matches(f.norm, '^(?:{any_surname}|{compound})')
                   AND ((f.len >= 4 AND regexp_matches(f.norm, '(?:{compound})$'))
                        OR regexp_matches(f.norm, '(?:{common})$')), false) AS name_swapped
        FROM {norms} nn LEFT JOIN f USING (raw)
    """


__all__ = [
    "date_select", "household_key_ok", "id_ok_select", "name_chars_select", "name_fields_select",
    "target_ok_select", "xueji_no_ok_select",
]
