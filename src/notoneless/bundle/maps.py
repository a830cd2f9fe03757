"""The value maps of an ingest: every distinct raw value of a kind (ID numbers, names,
dates, codes …) normalised once, stored as a table ``_m_<kind>`` of the working
database (``bundle/work.py``) that the staging joins (``bundle/staging.py``). Names and
ID numbers repeat across the six systems, so this touches each value once. The common
shapes of a value are normalised in SQL (``sqlnorm.py``: canonical valid ID numbers,
plain dates, clean keys, the split and pinyin of names), the rest by the Python
functions of ``notoneless.normalize``, which stay the reference.

The maps are independent of each other but for the IDs inside 学籍号, which feed the
ID map, so ``build_maps`` runs four tasks side by side: while one normalises in
Python, another runs SQL. The 包保对象 map (``build_responsibility_maps``) needs the
包保类型 vocabulary and serves only contacts and visits; staging builds it later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import duckdb
import pyarrow as pa

from notoneless.bundle import schema, sqlnorm
from notoneless.bundle.files import RawFile
from notoneless.bundle.work import Work, from_arrow, shared
from notoneless.normalize import codes, vocabulary
from notoneless.normalize.dates import parse_date
from notoneless.normalize.idnumber import normalize_id_row
from notoneless.normalize.names import SURNAME_READINGS, char_pinyin, clean_names
from notoneless.normalize.targets import normalize_target

_STR = pa.string()
_STRS = pa.list_(pa.string())


def _distinct(con: duckdb.DuckDBPyConnection, selects: Iterable[str]) -> str:
    """TEMP table ``_distinct`` (column ``v``): the distinct non-NULL values of the selects."""
    union = " UNION ".join(f"SELECT {s}" for s in selects) or "SELECT NULL::VARCHAR AS v"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _distinct AS SELECT DISTINCT v FROM ({union}) WHERE v IS NOT NULL")
    return "_distinct"


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> pa.ChunkedArray:
    """The first column of a query's result (through Arrow: three times faster than
    ``fetchall`` for the ~80k distinct names)."""
    return con.sql(sql).to_arrow_table().column(0)


def _build_map(
    con: duckdb.DuckDBPyConnection,
    name: str,
    selects: Iterable[str],
    fn: Callable[[str], tuple],
    cols: list[tuple[str, pa.DataType]],
    sql: Callable[[str], str] | None = None,
) -> None:
    """Working table ``name`` (``raw`` + ``cols``): every distinct value of the selects with
    ``fn``'s result. ``sql(src)``, when given, is ``fn`` in SQL for the values it covers
    (``bundle/sqlnorm.py``); only the values it leaves out are normalised in Python."""
    src = _distinct(con, selects)
    if sql is not None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _sql_rows AS {sql(src)}")
        raws = _column(con, f"SELECT v FROM {src} ANTI JOIN _sql_rows s ON s.raw = {src}.v")
    else:
        raws = _column(con, f"SELECT v FROM {src}")
    results = [fn(raw) for raw in raws.to_pylist()]
    out = list(zip(*results)) if results else [()] * len(cols)
    arrays = {"raw": raws}
    for (col, typ), values in zip(cols, out):
        arrays[col] = pa.array(values, typ)
    from_arrow(con, shared(name), pa.table(arrays))
    if sql is not None:
        con.execute(f"INSERT INTO {shared(name)} BY NAME SELECT * FROM _sql_rows")
        con.execute("DROP TABLE _sql_rows")


def build_name_map(con: duckdb.DuckDBPyConnection, selects: Iterable[str]) -> None:
    """Working table ``_m_name``: the names cleaned in Python (``clean_names``: OpenCC,
    NFKC), split and romanised in SQL from the pinyin of each distinct character."""
    raws = _column(con, f"SELECT v FROM {_distinct(con, selects)}")
    from_arrow(con, "_name_norms", pa.table({"raw": raws, "norm": pa.array(clean_names(raws.to_pylist()), _STR)}))
    chars = _column(con, sqlnorm.name_chars_select("_name_norms")).to_pylist()
    from_arrow(con, "_name_chars", pa.table({"c": pa.array(chars, _STR), "py": pa.array([char_pinyin(c) for c in chars], _STR)}))
    from_arrow(con, "_name_readings", pa.table({
        "s": pa.array(list(SURNAME_READINGS), _STR), "py": pa.array(list(SURNAME_READINGS.values()), _STR),
    }))
    con.execute(f"CREATE OR REPLACE TABLE {shared('_m_name')} AS "
                + sqlnorm.name_fields_select("_name_norms", "_name_chars", "_name_readings"))
    for table in ("_name_norms", "_name_chars", "_name_readings"):
        con.execute(f"DROP TABLE {table}")


def _xno_tuple(raw: str) -> tuple:
    x = codes.normalize_xueji_no(raw)
    return (x, codes.id_from_xueji_no(x))


def _text(raw: str) -> str | None:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).strip("'\"")
    return s or None


_VOCAB: dict[str, Callable[[str], object]] = {
    "hukou_status": codes.normalize_hukou_status,
    "enrol_status": codes.normalize_enrol_status,
    "grade": codes.normalize_grade,
    "poverty_type": lambda r: codes.normalize_vocab(r, vocabulary.POVERTY_TYPES),
    "relief_type": codes.normalize_relief_type,
    "term": codes.normalize_term,
    "duty_type": lambda r: codes.normalize_vocab(r, vocabulary.DUTY_TYPES),
    "contact_status": lambda r: codes.normalize_vocab(r, vocabulary.CONTACT_STATUSES),
    "visit_method": lambda r: codes.normalize_vocab(r, vocabulary.VISIT_METHODS),
    "school_type": lambda r: codes.normalize_vocab(r, vocabulary.SCHOOL_TYPES),
    "level": lambda r: codes.normalize_vocab(r, tuple(vocabulary.DIVISION_LEVELS)),
    "text": _text,
    "key": codes.normalize_household_key,
    "division": codes.normalize_division,
    "sex": codes.normalize_sex,
    "phone": codes.normalize_phone,
}
# kinds whose values, when this SQL predicate holds, are already their own normal form
_VOCAB_UNCHANGED: dict[str, Callable[[str], str]] = {"key": sqlnorm.household_key_ok}
# which raw columns feed which vocabulary map: (kind, table, column)
_VOCAB_SOURCES: list[tuple[str, str, str]] = [
    ("hukou_status", "hukou", "hukou_status"),
    ("enrol_status", "xueji", "enrol_status"),
    ("grade", "xueji", "grade"),
    ("poverty_type", "fupin", "poverty_type"),
    ("relief_type", "minzheng", "relief_type"),
    ("term", "zizhu", "term"),
    ("duty_type", "contacts", "duty_type"),
    ("contact_status", "contacts", "status"),
    ("visit_method", "visits", "method"),
    ("school_type", "schools", "school_type"),
    ("level", "divisions", "level"),
    ("phone", "contacts", "phone"),
    ("sex", "hukou", "sex_raw"), ("sex", "xueji", "sex_raw"), ("sex", "fupin", "sex_raw"),
    ("sex", "canlian", "sex_raw"), ("sex", "minzheng", "sex_raw"),
    ("key", "hukou", "household_key"), ("key", "fupin", "household_key"),
    ("key", "xueji", "school_id"), ("key", "schools", "school_id"),
    ("key", "contacts", "contact_id"), ("key", "visits", "contact_id"),
    ("division", "hukou", "division_code"), ("division", "fupin", "division_code"),
    ("division", "canlian", "division_code"), ("division", "minzheng", "division_code"),
    ("division", "xueji", "hukou_code"), ("division", "zizhu", "paying_county"),
    ("division", "divisions", "code"), ("division", "divisions", "parent_code"),
    ("division", "schools", "county_code"),
]
_TEXT_SOURCES = [
    ("hukou", "ethnicity"), ("hukou", "relation"), ("fupin", "relation"),
    ("canlian", "disability_type"), ("canlian", "disability_grade"),
    ("zizhu", "project"), ("zizhu", "pay_method"), ("contacts", "unit"),
    ("divisions", "name"), ("schools", "name"),
]
_NAME_SOURCES = [
    (s, c) for s in schema.PERSON_SOURCES for c in ("name_raw", "head_name", "guardian_name")
] + [("contacts", "name")]
_DATE_SOURCES = [(s, "birth_raw") for s in schema.PERSON_SOURCES] + [("zizhu", "paid_raw"), ("visits", "visit_raw")]


def _has(raws: dict[str, RawFile], stem: str, col: str) -> bool:
    return stem in raws and col in raws[stem].values


def build_maps(work: Work, raws: dict[str, RawFile]) -> None:
    """Normalise every distinct raw value once, store the results as map tables. The
    common shapes are normalised in SQL (``bundle/sqlnorm.py``), the rest in Python."""
    names = [f"{c} AS v FROM raw_{s}" for s, c in _NAME_SOURCES if _has(raws, s, c)]
    dates = [f"{c} AS v FROM raw_{s}" for s, c in _DATE_SOURCES if _has(raws, s, c)]
    work.run([
        lambda con: build_name_map(con, names),
        lambda con: _build_id_maps(con, raws),
        lambda con: _build_code_maps(con, raws),
        lambda con: _build_map(con, "_m_date", dates, parse_date, [("d", pa.date32()), ("warn", _STR)],
                               sql=sqlnorm.date_select),
    ])


def _build_id_maps(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    """``_m_xno`` and ``_m_id``: 学籍号 first, as a G-学籍号 carries the ID number of a
    student whose ID column is empty."""
    xsrc = [f"xueji_no AS v FROM raw_{s}" for s in ("xueji", "zizhu") if _has(raws, s, "xueji_no")]
    _build_map(con, "_m_xno", xsrc, _xno_tuple, [("xueji_no", _STR), ("xno_id", _STR)], sql=sqlnorm.xueji_no_ok_select)

    id_src = [f"id_raw AS v FROM raw_{s}" for s in schema.PERSON_SOURCES if _has(raws, s, "id_raw")]
    id_src.append("xno_id AS v FROM _m_xno")
    _build_map(
        con, "_m_id", id_src, normalize_id_row,
        [("id_norm", _STR), ("id_valid", pa.bool_()), ("id_issue", _STR), ("id_candidates", _STRS),
         ("id_prefix", _STR), ("id_birth", pa.date32()), ("id_sex", _STR), ("birth_county", _STR)],
        sql=sqlnorm.id_ok_select,
    )


def _build_code_maps(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    """``_m_vocab`` (vocabularies and codes, keyed (kind, raw)), ``_m_bool`` and ``_m_amount``."""
    selects = ["SELECT NULL::VARCHAR AS kind, NULL::VARCHAR AS v WHERE false"]
    selects += [f"SELECT '{kind}', {col} FROM raw_{stem}" for kind, stem, col in _VOCAB_SOURCES if _has(raws, stem, col)]
    selects += [f"SELECT 'text', {col} FROM raw_{stem}" for stem, col in _TEXT_SOURCES if _has(raws, stem, col)]
    con.execute("CREATE OR REPLACE TEMP TABLE _vocab_raw AS SELECT DISTINCT kind, v "
                f"FROM ({' UNION ALL '.join(selects)}) WHERE v IS NOT NULL")
    # values already in normal form are mapped to themselves in SQL, the rest in Python
    unchanged = " OR ".join(f"(kind = '{kind}' AND {ok('v')})" for kind, ok in _VOCAB_UNCHANGED.items())
    con.execute(f"CREATE OR REPLACE TABLE {shared('_m_vocab')} AS "
                f"SELECT kind, v AS raw, v AS val FROM _vocab_raw WHERE {unchanged}")
    rest = con.sql(f"SELECT kind, v FROM _vocab_raw WHERE NOT ({unchanged})").to_arrow_table()
    kinds, vraws = rest.column(0).to_pylist(), rest.column(1).to_pylist()
    vals = [None if (v := _VOCAB[kind](raw)) is None else str(v) for kind, raw in zip(kinds, vraws)]
    from_arrow(con, "_m_vocab_py", pa.table({"kind": rest.column(0), "raw": rest.column(1), "val": pa.array(vals, _STR)}))
    con.execute("INSERT INTO _m_vocab SELECT * FROM _m_vocab_py")
    con.execute("DROP TABLE _m_vocab_py")
    con.execute("DROP TABLE _vocab_raw")

    b_src = ["boarding_raw AS v FROM raw_xueji"] if _has(raws, "xueji", "boarding_raw") else []
    _build_map(con, "_m_bool", b_src, lambda r: (codes.normalize_bool(r),), [("b", pa.bool_())])
    a_src = ["amount_raw AS v FROM raw_zizhu"] if _has(raws, "zizhu", "amount_raw") else []
    _build_map(con, "_m_amount", a_src, lambda r: (codes.normalize_amount(r),), [("amount", pa.decimal128(12, 2))])


def build_responsibility_maps(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    """``_m_target``: the 包保对象 of contacts and visits, normalised with the row's
    包保类型 (contacts) or without (visits). Not part of ``build_maps``: only the
    contacts and visits tables use it, so it is built beside ``person_records``."""
    pairs = []
    if "contacts" in raws:
        pairs.append("SELECT c.target, dt.val FROM raw_contacts c "
                     "LEFT JOIN _m_vocab dt ON dt.kind = 'duty_type' AND dt.raw = c.duty_type")
    if "visits" in raws:
        pairs.append("SELECT target, NULL FROM raw_visits")
    build_target_map(con, pairs)


def build_target_map(con: duckdb.DuckDBPyConnection, selects: list[str]) -> None:
    """Working table ``_m_target`` (``raw, duty, target_norm, target_kind,
    target_candidates``; duty '' for none) for the distinct ``(包保对象, 包保类型)`` rows
    of the selects (``normalize_target``; the common shapes in SQL, ``sqlnorm.target_ok_select``)."""
    union = " UNION ALL ".join(["SELECT NULL::VARCHAR AS raw, NULL::VARCHAR AS duty WHERE false", *selects])
    con.execute("CREATE OR REPLACE TEMP TABLE _target_pairs AS "
                f"SELECT DISTINCT raw, coalesce(duty, '') AS duty FROM ({union}) WHERE raw IS NOT NULL")
    # the common shapes (a valid ID number, a clean 学籍号 or household key) are their own normal form
    con.execute(f"CREATE OR REPLACE TABLE {shared('_m_target')} AS {sqlnorm.target_ok_select('_target_pairs')}")
    rest = con.execute("SELECT raw, duty FROM _target_pairs ANTI JOIN _m_target USING (raw, duty)").fetchall()
    t_raw, t_duty, t_norm, t_kind, t_cand = [], [], [], [], []
    for raw, duty in rest:
        t = normalize_target(raw, duty or None)
        t_raw.append(raw), t_duty.append(duty), t_norm.append(t.norm), t_kind.append(t.kind), t_cand.append(list(t.candidates))
    from_arrow(con, "_m_target_py", pa.table({
        "raw": pa.array(t_raw, _STR), "duty": pa.array(t_duty, _STR), "target_norm": pa.array(t_norm, _STR),
        "target_kind": pa.array(t_kind, _STR), "target_candidates": pa.array(t_cand, _STRS),
    }))
    con.execute("INSERT INTO _m_target SELECT * FROM _m_target_py")
    for table in ("_m_target_py", "_target_pairs"):
        con.execute(f"DROP TABLE {table}")


__all__ = ["build_maps", "build_name_map", "build_responsibility_maps", "build_target_map"]
