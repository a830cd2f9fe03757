"""Staging a read bundle into the DuckDB workspace (tables listed in docs/workspace.md).

Set-based: the raw rows go into temporary tables as text; every *distinct* raw value
of a kind (ID numbers, names, dates, codes …) is normalised once and stored as a small
map table; the output tables are then built by joins in DuckDB. Names and ID numbers
repeat across the six systems, so this touches each value once. The common shapes of a
value are normalised in SQL (``sqlnorm.py``: canonical valid ID numbers, plain dates,
clean keys, the split and pinyin of names), the rest by the Python functions of
``notoneless.normalize``, which stay the reference.

Per-field decisions (reject or warn), see also ``rejects.py``:

- a person row is rejected only when it has no usable identity: no ID number that can
  be read (missing, scientific notation or malformed), no 学籍号 and no name;
- ``fingerprint`` (stable across runs, not the row number) hashes the source and the
  record's natural key: normalised ID (or the honest prefix), 学籍号, name, birth date,
  sex, household key, registration code and school (so the same child registered in
  two households or at two schools gives two keys), plus for zizhu the payment fields
  (project, amount, term, paying county, date). Rows with identical natural keys get
  ``#2``, ``#3`` … in row order;
- everything else that is wrong is accepted with a warning code in ``warnings``
  (``person_records``, ``contacts``, ``visits``): ``id_<issue>`` (bad_check,
  sci_notation, malformed, len15, disability_cert), ``id_from_xueji_no`` (ID taken
  from a G-学籍号 because the ID column was empty), ``id_xueji_no_mismatch``,
  ``birth_date_invalid``/``birth_date_unparseable``/``birth_date_mismatch`` (column vs
  valid ID), ``sex_invalid``/``sex_mismatch``, ``division_invalid``/
  ``division_unknown`` (not in divisions), ``household_key_missing``,
  ``hukou_status_invalid``, ``enrol_status_invalid``, ``grade_invalid``,
  ``school_missing``/``school_unknown``, ``hukou_code_invalid``, ``boarding_invalid``,
  ``poverty_type_invalid``, ``relief_type_invalid``, ``amount_invalid``,
  ``term_invalid``, ``paid_date_invalid``, ``paying_county_invalid``,
  ``duty_type_invalid``, ``status_invalid``, ``target_invalid``, ``method_invalid``;
  the field itself is NULL then. A zizhu payment with an unreadable 金额 is kept (it is
  still a payment: it counts for 笔数 in duplicate subsidies and as "paid" for missed
  subsidies; its amount is NULL and cannot be summed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from notoneless.bundle import schema, sqlnorm
from notoneless.bundle.files import RawFile
from notoneless.bundle.manifest import Manifest
from notoneless.bundle.rejects import REASONS, RejectCode
from notoneless.normalize import codes
from notoneless.normalize.dates import parse_date
from notoneless.normalize.idnumber import normalize_id_row
from notoneless.normalize.names import SURNAME_READINGS, char_pinyin, clean_names
from notoneless.normalize.targets import normalize_target

_STR = pa.string()
_STRS = pa.list_(pa.string())


# --- map tables -------------------------------------------------------------------------


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    view = f"_arrow_{name}"
    con.register(view, table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)


def _distinct(con: duckdb.DuckDBPyConnection, selects: Iterable[str]) -> str:
    """TEMP table ``_distinct`` (column ``v``): the distinct non-NULL values of the selects."""
    union = " UNION ".join(f"SELECT {s}" for s in selects) or "SELECT NULL::VARCHAR AS v"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _distinct AS SELECT DISTINCT v FROM ({union}) WHERE v IS NOT NULL")
    return "_distinct"


def _values(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [r[0] for r in con.execute(sql).fetchall()]


def _build_map(
    con: duckdb.DuckDBPyConnection,
    name: str,
    selects: Iterable[str],
    fn: Callable[[str], tuple],
    cols: list[tuple[str, pa.DataType]],
    sql: Callable[[str], str] | None = None,
) -> None:
    """TEMP table ``name`` (``raw`` + ``cols``): every distinct value of the selects with
    ``fn``'s result. ``sql(src)``, when given, is ``fn`` in SQL for the values it covers
    (``bundle/sqlnorm.py``); only the values it leaves out are normalised in Python."""
    src = _distinct(con, selects)
    if sql is not None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _sql_rows AS {sql(src)}")
        raws = _values(con, f"SELECT v FROM {src} ANTI JOIN _sql_rows s ON s.raw = {src}.v")
    else:
        raws = _values(con, f"SELECT v FROM {src}")
    results = [fn(raw) for raw in raws]
    out = list(zip(*results)) if results else [()] * len(cols)
    arrays = {"raw": pa.array(raws, _STR)}
    for (col, typ), values in zip(cols, out):
        arrays[col] = pa.array(values, typ)
    _register(con, name, pa.table(arrays))
    if sql is not None:
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _sql_rows")
        con.execute("DROP TABLE _sql_rows")


def build_name_map(con: duckdb.DuckDBPyConnection, selects: Iterable[str]) -> None:
    """TEMP table ``_m_name``: the names cleaned in Python (``clean_names``: OpenCC,
    NFKC), split and romanised in SQL from the pinyin of each distinct character."""
    raws = _values(con, f"SELECT v FROM {_distinct(con, selects)}")
    _register(con, "_name_norms", pa.table({"raw": pa.array(raws, _STR), "norm": pa.array(clean_names(raws), _STR)}))
    chars = _values(con, sqlnorm.name_chars_select("_name_norms"))
    _register(con, "_name_chars", pa.table({"c": pa.array(chars, _STR), "py": pa.array([char_pinyin(c) for c in chars], _STR)}))
    _register(con, "_name_readings", pa.table({
        "s": pa.array(list(SURNAME_READINGS), _STR), "py": pa.array(list(SURNAME_READINGS.values()), _STR),
    }))
    con.execute("CREATE OR REPLACE TEMP TABLE _m_name AS "
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
    "poverty_type": lambda r: codes.normalize_vocab(r, schema.POVERTY_TYPES),
    "relief_type": codes.normalize_relief_type,
    "term": codes.normalize_term,
    "duty_type": lambda r: codes.normalize_vocab(r, schema.DUTY_TYPES),
    "contact_status": lambda r: codes.normalize_vocab(r, schema.CONTACT_STATUSES),
    "visit_method": lambda r: codes.normalize_vocab(r, schema.VISIT_METHODS),
    "school_type": lambda r: codes.normalize_vocab(r, schema.SCHOOL_TYPES),
    "level": lambda r: codes.normalize_vocab(r, tuple(schema.DIVISION_LEVELS)),
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


def build_maps(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    """Normalise every distinct raw value once, store the results as map tables. The
    common shapes are normalised in SQL (``bundle/sqlnorm.py``), the rest in Python."""
    # 学籍号 first: a G-学籍号 carries the ID number of a student whose ID column is empty
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
    build_name_map(con, [f"{c} AS v FROM raw_{s}" for s, c in _NAME_SOURCES if _has(raws, s, c)])
    date_src = [f"{c} AS v FROM raw_{s}" for s, c in _DATE_SOURCES if _has(raws, s, c)]
    _build_map(con, "_m_date", date_src, parse_date, [("d", pa.date32()), ("warn", _STR)], sql=sqlnorm.date_select)

    # vocabularies and codes: one table keyed (kind, raw)
    con.execute("CREATE OR REPLACE TEMP TABLE _m_vocab (kind VARCHAR, raw VARCHAR, val VARCHAR)")
    kinds: list[str] = []
    vraws: list[str] = []
    vals: list[str | None] = []
    by_kind: dict[str, list[str]] = {}
    for kind, stem, col in _VOCAB_SOURCES:
        if _has(raws, stem, col):
            by_kind.setdefault(kind, []).append(f"{col} AS v FROM raw_{stem}")
    by_kind["text"] = [f"{c} AS v FROM raw_{s}" for s, c in _TEXT_SOURCES if _has(raws, s, c)]
    for kind, selects in by_kind.items():
        src = _distinct(con, selects)
        unchanged = _VOCAB_UNCHANGED.get(kind)
        if unchanged:  # values already in normal form: mapped to themselves in SQL
            con.execute(f"INSERT INTO _m_vocab SELECT '{kind}', v, v FROM {src} WHERE {unchanged('v')}")
        fn = _VOCAB[kind]
        for raw in _values(con, f"SELECT v FROM {src}" + (f" WHERE NOT {unchanged('v')}" if unchanged else "")):
            v = fn(raw)
            kinds.append(kind)
            vraws.append(raw)
            vals.append(None if v is None else str(v))
    _register(con, "_m_vocab_py", pa.table({"kind": pa.array(kinds, _STR), "raw": pa.array(vraws, _STR), "val": pa.array(vals, _STR)}))
    con.execute("INSERT INTO _m_vocab SELECT * FROM _m_vocab_py")
    con.execute("DROP TABLE _m_vocab_py")

    b_src = ["boarding_raw AS v FROM raw_xueji"] if _has(raws, "xueji", "boarding_raw") else []
    _build_map(con, "_m_bool", b_src, lambda r: (codes.normalize_bool(r),), [("b", pa.bool_())])
    a_src = ["amount_raw AS v FROM raw_zizhu"] if _has(raws, "zizhu", "amount_raw") else []
    _build_map(con, "_m_amount", a_src, lambda r: (codes.normalize_amount(r),), [("amount", pa.decimal128(12, 2))])

    # 包保对象: normalised with the row's 包保类型 (contacts) or without (visits)
    pairs = []
    if "contacts" in raws:
        pairs.append("SELECT c.target, dt.val FROM raw_contacts c "
                     "LEFT JOIN _m_vocab dt ON dt.kind = 'duty_type' AND dt.raw = c.duty_type")
    if "visits" in raws:
        pairs.append("SELECT target, NULL FROM raw_visits")
    build_target_map(con, pairs)


def build_target_map(con: duckdb.DuckDBPyConnection, selects: list[str]) -> None:
    """TEMP table ``_m_target`` (``raw, duty, target_norm, target_kind,
    target_candidates``; duty '' for none) for the distinct ``(包保对象, 包保类型)`` rows
    of the selects (``normalize_target``)."""
    union = " UNION ALL ".join(["SELECT NULL::VARCHAR AS raw, NULL::VARCHAR AS duty WHERE false", *selects])
    con.execute("CREATE OR REPLACE TEMP TABLE _target_pairs AS "
                f"SELECT DISTINCT raw, coalesce(duty, '') AS duty FROM ({union}) WHERE raw IS NOT NULL")
    # a person key that is a canonical valid ID number (the common case) is its own normal form
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _m_target AS
        SELECT raw, duty, raw AS target_norm, 'person_id' AS target_kind, []::VARCHAR[] AS target_candidates
        FROM _target_pairs
        WHERE duty NOT IN ('包村', '包户')
          AND raw IN (SELECT raw FROM ({sqlnorm.id_ok_select("(SELECT DISTINCT raw AS v FROM _target_pairs)")}))
    """)
    rest = con.execute("SELECT raw, duty FROM _target_pairs ANTI JOIN _m_target USING (raw, duty)").fetchall()
    t_raw, t_duty, t_norm, t_kind, t_cand = [], [], [], [], []
    for raw, duty in rest:
        t = normalize_target(raw, duty or None)
        t_raw.append(raw), t_duty.append(duty), t_norm.append(t.norm), t_kind.append(t.kind), t_cand.append(list(t.candidates))
    _register(con, "_m_target_py", pa.table({
        "raw": pa.array(t_raw, _STR), "duty": pa.array(t_duty, _STR), "target_norm": pa.array(t_norm, _STR),
        "target_kind": pa.array(t_kind, _STR), "target_candidates": pa.array(t_cand, _STRS),
    }))
    con.execute("INSERT INTO _m_target SELECT * FROM _m_target_py")
    for table in ("_m_target_py", "_target_pairs"):
        con.execute(f"DROP TABLE {table}")


@contextmanager
def plain_string_storage(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Within the block, tables written to the workspace file keep their strings
    uncompressed: choosing and applying DuckDB's string compression (DICT_FSST) costs
    about as much CPU as all the joins of the person files, for a file of ~100 MB that
    is rebuilt on every run anyway. The setting is put back afterwards (later stages
    write their tables compressed as before)."""
    before = con.execute("SELECT current_setting('disabled_compression_methods')").fetchone()[0]
    con.execute("SET disabled_compression_methods = 'dict_fsst'")
    try:
        yield
    finally:
        con.execute("SET disabled_compression_methods = ?", [before])


# --- raw tables -------------------------------------------------------------------------


def load_raw(con: duckdb.DuckDBPyConnection, raw: RawFile) -> None:
    arrays = {"row_no": pa.array(raw.row_nos, pa.int32())}
    for fld, vals in raw.values.items():
        arrays[fld] = vals if isinstance(vals, pa.ChunkedArray) else pa.array(vals, _STR)
    _register(con, f"raw_{raw.stem}", pa.table(arrays))


# --- SQL helpers --------------------------------------------------------------------------


def _v(kind: str, col: str, alias: str) -> str:
    """LEFT JOIN of a vocabulary map for raw column ``col``."""
    return f"LEFT JOIN _m_vocab {alias} ON {alias}.kind = '{kind}' AND {alias}.raw = r.{col}"


def _blank(expr: str) -> str:
    return f"(nullif(trim(coalesce({expr}, '')), '') IS NULL)"


def _warn(cases: list[tuple[str, str]]) -> str:
    items = ", ".join(f"CASE WHEN {cond} THEN '{code}' END" for code, cond in cases)
    return f"list_filter([{items}]::VARCHAR[], lambda w: w IS NOT NULL)"


_PERSON_COLUMNS = (
    "record_key, source, row_no, fingerprint, id_raw, id_norm, id_valid, id_candidates, id_issue, id_prefix, "
    "xueji_no, name_raw, name_norm, surname, given_name, name_pinyin, surname_pinyin, given_pinyin, name_swapped, "
    "birth_date, sex, village_code, town_code, county_code, school_id, school_county, household_key, head_name, "
    "guardian_name, birth_county, warnings"
)


def _person_sql(stem: str, raw: RawFile) -> str:
    """One SELECT producing the wide staging rows of one person file (person_records
    columns + the file's own columns + ``_reject`` + ``_fp``)."""
    has = raw.values.__contains__
    col = lambda c: f"r.{c}" if has(c) else "NULL::VARCHAR"  # noqa: E731
    joins: list[str] = []
    specific: list[str] = []
    warns: list[tuple[str, str]] = []
    fp_extra = ""
    if has("xueji_no"):
        joins.append("LEFT JOIN _m_xno x ON x.raw = r.xueji_no")
        xno, xno_id = "x.xueji_no", "x.xno_id"
    else:
        xno, xno_id = "NULL::VARCHAR", "NULL::VARCHAR"
    joins.append("LEFT JOIN _m_id i1 ON i1.raw = r.id_raw" if has("id_raw") else "LEFT JOIN _m_id i1 ON false")
    joins.append(f"LEFT JOIN _m_id i2 ON i2.raw = {xno_id}")
    joins.append("LEFT JOIN _m_name n ON n.raw = r.name_raw")
    joins.append("LEFT JOIN _m_date bd ON bd.raw = " + col("birth_raw"))
    joins.append("LEFT JOIN _m_vocab sx ON sx.kind = 'sex' AND sx.raw = " + col("sex_raw"))
    loc_col = "hukou_code" if stem == "xueji" else ("division_code" if has("division_code") else None)
    if loc_col:
        joins.append(f"LEFT JOIN _m_vocab dv ON dv.kind = 'division' AND dv.raw = r.{loc_col}")
        joins.append("LEFT JOIN divisions dref ON dref.code = dv.val")
        loc = "dv.val"
        warns += [
            ("hukou_code_invalid" if stem == "xueji" else "division_invalid", f"dv.val IS NULL AND NOT {_blank('r.' + loc_col)}"),
            ("division_unknown", "dv.val IS NOT NULL AND dref.code IS NULL"),
        ]
    else:
        loc = "NULL::VARCHAR"
    if has("household_key"):
        joins.append("LEFT JOIN _m_vocab hh ON hh.kind = 'key' AND hh.raw = r.household_key")
        hh = "hh.val"
        warns.append(("household_key_missing", "hh.val IS NULL"))
    else:
        hh = "NULL::VARCHAR"
    head = "NULL::VARCHAR"
    if has("head_name"):
        joins.append("LEFT JOIN _m_name hn ON hn.raw = r.head_name")
        head = "hn.name_norm"
    guardian = "NULL::VARCHAR"
    if has("guardian_name"):
        joins.append("LEFT JOIN _m_name gn ON gn.raw = r.guardian_name")
        guardian = "gn.name_norm"
    school_id, school_county = "NULL::VARCHAR", "NULL::VARCHAR"

    def vocab(kind: str, c: str, alias: str, out: str, warn: str | None = None) -> None:
        if has(c):
            joins.append(_v(kind, c, alias))
            specific.append(f"{alias}.val AS {out}")
            if warn:
                warns.append((warn, f"{alias}.val IS NULL AND NOT {_blank('r.' + c)}"))
        else:
            specific.append(f"NULL::VARCHAR AS {out}")

    if stem == "hukou":
        vocab("text", "ethnicity", "eth", "ethnicity")
        vocab("text", "relation", "rel", "relation")
        vocab("hukou_status", "hukou_status", "hs", "hukou_status", "hukou_status_invalid")
        warns.append(("hukou_status_missing", _blank("r.hukou_status")))
    elif stem == "xueji":
        joins.append("LEFT JOIN _m_vocab sid ON sid.kind = 'key' AND sid.raw = r.school_id")
        joins.append("LEFT JOIN schools sch ON sch.school_id = sid.val")
        school_id, school_county = "sid.val", "sch.county_code"
        specific.append("sid.val AS _school_id")
        warns += [("school_missing", "sid.val IS NULL"), ("school_unknown", "sid.val IS NOT NULL AND sch.school_id IS NULL")]
        vocab("grade", "grade", "gr", "grade", "grade_invalid")
        vocab("enrol_status", "enrol_status", "es", "enrol_status", "enrol_status_invalid")
        warns.append(("enrol_status_missing", _blank("r.enrol_status")))
        specific.append("dv.val AS hukou_code")
        if has("boarding_raw"):
            joins.append("LEFT JOIN _m_bool bo ON bo.raw = r.boarding_raw")
            specific.append("bo.b AS boarding")
            warns.append(("boarding_invalid", f"bo.b IS NULL AND NOT {_blank('r.boarding_raw')}"))
        else:
            specific.append("NULL::BOOLEAN AS boarding")
    elif stem == "fupin":
        vocab("poverty_type", "poverty_type", "pt", "poverty_type", "poverty_type_invalid")
        vocab("text", "relation", "rel", "relation")
    elif stem == "canlian":
        vocab("text", "disability_type", "dt", "disability_type")
        vocab("text", "disability_grade", "dg", "disability_grade")
    elif stem == "minzheng":
        vocab("relief_type", "relief_type", "rt", "relief_type", "relief_type_invalid")
    elif stem == "zizhu":
        vocab("text", "project", "pj", "project")
        joins.append("LEFT JOIN _m_amount am ON am.raw = r.amount_raw")
        specific.append("am.amount AS amount")
        warns.append(("amount_invalid", "am.amount IS NULL"))
        vocab("term", "term", "tm", "term", "term_invalid")
        warns.append(("term_missing", _blank("r.term")))
        joins.append("LEFT JOIN _m_vocab pc ON pc.kind = 'division' AND pc.raw = r.paying_county")
        specific.append("CASE WHEN length(pc.val) >= 6 THEN substr(pc.val, 1, 6) END AS paying_county")
        warns.append(("paying_county_invalid", "pc.val IS NULL OR length(pc.val) < 6"))
        joins.append("LEFT JOIN _m_date pd ON pd.raw = " + col("paid_raw"))
        specific.append("pd.d AS paid_date")
        warns.append(("paid_date_invalid", "pd.warn IS NOT NULL"))
        vocab("text", "pay_method", "pm", "pay_method")
        fp_extra = (
            ", coalesce(pj.val, ''), coalesce(am.amount::VARCHAR, ''), coalesce(tm.val, ''), "
            "coalesce(pc.val, ''), coalesce(pd.d::VARCHAR, '')"
        )

    # the ID: the ID column, else the ID inside a G-学籍号
    i_use = "(i1.raw IS NULL OR i1.id_issue = 'missing')"
    pick = lambda c: f"CASE WHEN {i_use} THEN i2.{c} ELSE i1.{c} END"  # noqa: E731
    id_valid = f"coalesce({pick('id_valid')}, false)"
    id_issue = f"coalesce({pick('id_issue')}, 'missing')"
    warns = [
        ("id_bad_check", f"{id_issue} = 'bad_check'"),
        ("id_sci_notation", f"{id_issue} = 'sci_notation'"),
        ("id_malformed", f"{id_issue} = 'malformed'"),
        ("id_len15", f"{id_issue} = 'len15'"),
        ("id_disability_cert", f"{id_issue} = 'disability_cert'"),
        ("id_from_xueji_no", f"{i_use} AND i2.id_norm IS NOT NULL"),
        ("id_xueji_no_mismatch", "i1.id_valid AND i2.id_valid AND i1.id_norm <> i2.id_norm"),
        ("name_missing", "n.name_norm IS NULL"),
        ("birth_date_invalid", "bd.warn = 'date_invalid'"),
        ("birth_date_unparseable", "bd.warn = 'date_unparseable'"),
        ("birth_date_mismatch", f"{id_valid} AND bd.d IS NOT NULL AND bd.d <> {pick('id_birth')}"),
        ("sex_invalid", f"sx.val IS NULL AND NOT {_blank(col('sex_raw'))}"),
        ("sex_mismatch", f"{id_valid} AND sx.val IS NOT NULL AND sx.val <> {pick('id_sex')}"),
    ] + warns
    id_norm = pick("id_norm")
    birth = f"CASE WHEN {id_valid} THEN {pick('id_birth')} ELSE bd.d END"
    sex = f"CASE WHEN {id_valid} THEN {pick('id_sex')} ELSE sx.val END"
    reject = (
        f"CASE WHEN {id_norm} IS NULL AND {xno} IS NULL AND n.name_norm IS NULL THEN "
        f"CASE WHEN {id_issue} = 'missing' THEN '{RejectCode.NO_IDENTITY}' "
        f"ELSE '{RejectCode.ID_UNRECOVERABLE_AND_NO_NAME}' END END"
    )
    fp = (
        f"md5(concat_ws('|', '{stem}', coalesce({id_norm}, {pick('id_prefix')}, ''), coalesce({xno}, ''), "
        f"coalesce(n.name_norm, ''), coalesce(({birth})::VARCHAR, ''), coalesce({sex}, ''), "
        f"coalesce({hh}, ''), coalesce({loc}, ''), coalesce({school_id}, ''){fp_extra}))"
    )
    select = f"""
        SELECT
            '{stem}:' || r.row_no AS record_key, '{stem}' AS source, r.row_no::INTEGER AS row_no,
            {fp} AS _fp,
            {col('id_raw')} AS id_raw, {id_norm} AS id_norm, {id_valid} AS id_valid,
            coalesce({pick('id_candidates')}, []::VARCHAR[]) AS id_candidates, {id_issue} AS id_issue,
            {pick('id_prefix')} AS id_prefix, {xno} AS xueji_no,
            r.name_raw, n.name_norm, n.surname, n.given_name, n.name_pinyin, n.surname_pinyin, n.given_pinyin,
            coalesce(n.name_swapped, false) AS name_swapped,
            {birth} AS birth_date, {sex} AS sex,
            CASE WHEN length({loc}) = 12 THEN {loc} END AS village_code,
            CASE WHEN length({loc}) >= 9 THEN substr({loc}, 1, 9) END AS town_code,
            CASE WHEN length({loc}) >= 6 THEN substr({loc}, 1, 6) END AS county_code,
            {school_id} AS school_id, {school_county} AS school_county, {hh} AS household_key,
            {head} AS head_name, {guardian} AS guardian_name,
            CASE WHEN {id_valid} THEN {pick('birth_county')} END AS birth_county,
            {_warn(warns)} AS warnings,
            {reject} AS _reject
            {''.join(', ' + s for s in specific)}
        FROM raw_{stem} r
        {' '.join(joins)}
    """
    return select


_SPECIFIC_COLUMNS = {
    "hukou": "ethnicity, relation, hukou_status",
    "xueji": "_school_id AS school_id, grade, enrol_status, hukou_code, boarding",
    "fupin": "poverty_type, relation",
    "canlian": "disability_type, disability_grade",
    "minzheng": "relief_type",
    "zizhu": "project, amount, term, paying_county, paid_date, pay_method",
}


# --- reference and responsibility files ---------------------------------------------------


def stage_reference(con: duckdb.DuckDBPyConnection) -> None:
    """divisions and schools (needed before the person files: their codes are checked)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _w_divisions AS
        SELECT r.row_no, c.val AS code, nm.val AS name,
               coalesce(lv.val, CASE length(c.val) WHEN 2 THEN '省' WHEN 4 THEN '市' WHEN 6 THEN '县'
                                                    WHEN 9 THEN '乡' WHEN 12 THEN '村' END) AS level,
               coalesce(pc.val, CASE length(c.val) WHEN 4 THEN substr(c.val, 1, 2) WHEN 6 THEN substr(c.val, 1, 4)
                                                    WHEN 9 THEN substr(c.val, 1, 6) WHEN 12 THEN substr(c.val, 1, 9) END) AS parent_code,
               CASE WHEN c.val IS NULL THEN '{RejectCode.DIVISION_CODE_INVALID}'
                    WHEN row_number() OVER (PARTITION BY c.val ORDER BY r.row_no) > 1 THEN '{RejectCode.DUPLICATE_KEY}'
               END AS _reject
        FROM raw_divisions r
        LEFT JOIN _m_vocab c ON c.kind = 'division' AND c.raw = r.code
        LEFT JOIN _m_vocab nm ON nm.kind = 'text' AND nm.raw = r.name
        LEFT JOIN _m_vocab lv ON lv.kind = 'level' AND lv.raw = r.level
        LEFT JOIN _m_vocab pc ON pc.kind = 'division' AND pc.raw = r.parent_code
    """)
    con.execute("CREATE OR REPLACE TABLE divisions AS SELECT code, name, level, parent_code FROM _w_divisions "
                "WHERE _reject IS NULL ORDER BY row_no")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _w_schools AS
        SELECT r.row_no, k.val AS school_id, nm.val AS name,
               CASE WHEN length(c.val) >= 6 THEN substr(c.val, 1, 6) END AS county_code, st.val AS school_type,
               CASE WHEN k.val IS NULL THEN '{RejectCode.SCHOOL_ID_MISSING}'
                    WHEN row_number() OVER (PARTITION BY k.val ORDER BY r.row_no) > 1 THEN '{RejectCode.DUPLICATE_KEY}'
               END AS _reject
        FROM raw_schools r
        LEFT JOIN _m_vocab k ON k.kind = 'key' AND k.raw = r.school_id
        LEFT JOIN _m_vocab nm ON nm.kind = 'text' AND nm.raw = r.name
        LEFT JOIN _m_vocab c ON c.kind = 'division' AND c.raw = r.county_code
        LEFT JOIN _m_vocab st ON st.kind = 'school_type' AND st.raw = r.school_type
    """)
    con.execute("CREATE OR REPLACE TABLE schools AS SELECT school_id, name, county_code, school_type FROM _w_schools "
                "WHERE _reject IS NULL ORDER BY row_no")


def stage_responsibility(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _w_contacts AS
        SELECT r.row_no, 'contacts:' || r.row_no AS row_key, k.val AS contact_id, n.name_norm AS name,
               ph.val AS phone, un.val AS unit, dt.val AS duty_type, r.target AS target_raw,
               t.target_norm, t.target_kind, coalesce(t.target_candidates, []::VARCHAR[]) AS target_candidates,
               st.val AS status,
               {_warn([
                   ("duty_type_invalid", "dt.val IS NULL"),
                   ("status_invalid", "st.val IS NULL"),
                   ("target_invalid", "t.target_norm IS NULL"),
                   ("contact_id_missing", "k.val IS NULL"),
               ])} AS warnings,
               CASE WHEN k.val IS NULL AND t.target_norm IS NULL THEN '{RejectCode.CONTACT_UNUSABLE}' END AS _reject
        FROM raw_contacts r
        LEFT JOIN _m_vocab k ON k.kind = 'key' AND k.raw = r.contact_id
        LEFT JOIN _m_name n ON n.raw = r.name
        LEFT JOIN _m_vocab ph ON ph.kind = 'phone' AND ph.raw = r.phone
        LEFT JOIN _m_vocab un ON un.kind = 'text' AND un.raw = r.unit
        LEFT JOIN _m_vocab dt ON dt.kind = 'duty_type' AND dt.raw = r.duty_type
        LEFT JOIN _m_vocab st ON st.kind = 'contact_status' AND st.raw = r.status
        LEFT JOIN _m_target t ON t.raw = r.target AND t.duty = coalesce(dt.val, '')
    """)
    con.execute("CREATE OR REPLACE TABLE contacts AS SELECT row_key, contact_id, name, phone, unit, duty_type, "
                "target_raw, target_norm, status, target_kind, target_candidates, warnings "
                "FROM _w_contacts WHERE _reject IS NULL ORDER BY row_no")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _w_visits AS
        SELECT r.row_no, 'visits:' || r.row_no AS row_key, k.val AS contact_id, r.target AS target_raw,
               t.target_norm, t.target_kind, coalesce(t.target_candidates, []::VARCHAR[]) AS target_candidates,
               d.d AS visit_date, m.val AS method,
               {_warn([("method_invalid", f"m.val IS NULL AND NOT {_blank('r.method')}"),
                       ("contact_id_missing", "k.val IS NULL")])} AS warnings,
               CASE WHEN t.target_norm IS NULL THEN '{RejectCode.VISIT_NO_TARGET}'
                    WHEN d.d IS NULL THEN '{RejectCode.VISIT_DATE_INVALID}' END AS _reject
        FROM raw_visits r
        LEFT JOIN _m_vocab k ON k.kind = 'key' AND k.raw = r.contact_id
        LEFT JOIN _m_target t ON t.raw = r.target AND t.duty = ''
        LEFT JOIN _m_date d ON d.raw = r.visit_raw
        LEFT JOIN _m_vocab m ON m.kind = 'visit_method' AND m.raw = r.method
    """)
    con.execute("CREATE OR REPLACE TABLE visits AS SELECT row_key, contact_id, target_raw, target_norm, visit_date, "
                "method, target_kind, target_candidates, warnings FROM _w_visits WHERE _reject IS NULL ORDER BY row_no")


def stage_persons(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    for stem in schema.PERSON_SOURCES:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _w_{stem} AS {_person_sql(stem, raws[stem])}")
        con.execute(
            f"CREATE OR REPLACE TABLE {stem} AS SELECT record_key, {_SPECIFIC_COLUMNS[stem]} "
            f"FROM _w_{stem} WHERE _reject IS NULL ORDER BY row_no"
        )
    union = " UNION ALL ".join(
        f"SELECT {_PERSON_COLUMNS.replace('fingerprint, ', '_fp, ')}, {i} AS _order FROM _w_{s} WHERE _reject IS NULL"
        for i, s in enumerate(schema.PERSON_SOURCES)
    )
    narrow = " UNION ALL ".join(
        f"SELECT record_key, source, _fp, row_no FROM _w_{s} WHERE _reject IS NULL" for s in schema.PERSON_SOURCES
    )
    # identical natural keys within a source get an occurrence suffix in row order
    # (the window runs over the few duplicated keys only, on narrow rows)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _fp_occ AS
        WITH n AS ({narrow}),
             d AS (SELECT source, _fp FROM n GROUP BY ALL HAVING count(*) > 1)
        SELECT n.record_key, row_number() OVER (PARTITION BY n.source, n._fp ORDER BY n.row_no) AS _occ
        FROM n JOIN d USING (source, _fp)
    """)
    cols = _PERSON_COLUMNS.replace(
        "fingerprint, ", "CASE WHEN o._occ > 1 THEN u._fp || '#' || o._occ ELSE u._fp END AS fingerprint, "
    ).replace("record_key, source,", "u.record_key, source,", 1)
    con.execute(
        f"CREATE OR REPLACE TABLE person_records AS SELECT {cols} FROM ({union}) u "
        "LEFT JOIN _fp_occ o ON o.record_key = u.record_key ORDER BY _order, row_no"
    )


def stage_rejects(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    keys, codes_, reasons = [], [], []
    for stem, raw in raws.items():
        for row_no, code in raw.structural_rejects:
            keys.append(f"{stem}:{row_no}")
            codes_.append(str(code))
            reasons.append(REASONS[code])
    _register(con, "_structural_rejects", pa.table({
        "record_key": pa.array(keys, _STR), "code": pa.array(codes_, _STR), "reason": pa.array(reasons, _STR),
    }))
    _register(con, "_reasons", pa.table({
        "code": pa.array([str(c) for c in REASONS], _STR), "reason": pa.array(list(REASONS.values()), _STR),
    }))
    row_key = {s: ("row_key" if s in schema.RESPONSIBILITY_FILES else f"'{s}:' || row_no") for s in schema.ALL_STEMS}
    parts = [
        f"SELECT {row_key[s]} AS record_key, _reject AS code FROM _w_{s} WHERE _reject IS NOT NULL"
        for s in schema.ALL_STEMS
    ]
    con.execute(f"""
        CREATE OR REPLACE TABLE rejects AS
        SELECT record_key, code, reason FROM (
            SELECT * FROM _structural_rejects
            UNION ALL
            SELECT w.record_key, w.code, rs.reason FROM ({' UNION ALL '.join(parts)}) w JOIN _reasons rs USING (code)
        )
        ORDER BY split_part(record_key, ':', 1), split_part(record_key, ':', 2)::INTEGER
    """)


def stage_manifest(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    con.execute("CREATE OR REPLACE TABLE manifest (name VARCHAR, province_code VARCHAR, term VARCHAR, "
                "reference_date DATE, school_year_start DATE)")
    con.execute("INSERT INTO manifest VALUES (?, ?, ?, ?, ?)", [
        manifest.name, manifest.province_code, manifest.term, manifest.reference_date, manifest.school_year_start,
    ])


def count_rows(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> dict[str, tuple[int, int, int]]:
    """stem → (rows_in, accepted, rejected); asserts rows_in = accepted + rejected."""
    out: dict[str, tuple[int, int, int]] = {}
    for stem in schema.ALL_STEMS:
        raw = raws[stem]
        accepted = con.execute(f"SELECT count(*) FROM _w_{stem} WHERE _reject IS NULL").fetchone()[0]
        rejected = con.execute(
            "SELECT count(*) FROM rejects WHERE split_part(record_key, ':', 1) = ?", [stem]
        ).fetchone()[0]
        if raw.rows_in != accepted + rejected:
            raise AssertionError(f"{stem}: rows in {raw.rows_in} != accepted {accepted} + rejected {rejected}")
        out[stem] = (raw.rows_in, accepted, rejected)
    con.execute("CREATE OR REPLACE TABLE ingest_counts (stem VARCHAR, rows_in INTEGER, accepted INTEGER, rejected INTEGER)")
    con.executemany("INSERT INTO ingest_counts VALUES (?, ?, ?, ?)", [(s, *c) for s, c in out.items()])
    return out


__all__ = [
    "build_maps", "build_name_map", "build_target_map", "count_rows", "load_raw", "plain_string_storage", "stage_manifest",
    "stage_persons", "stage_reference", "stage_rejects", "stage_responsibility",
]
