"""Staging a read bundle into the DuckDB workspace (tables listed in docs/workspace.md).

Set-based: the raw rows go into working tables as text (``bundle/work.py``); every
*distinct* raw value of a kind is normalised once into a map table (``bundle/maps.py``);
the output tables are then built by joins in DuckDB, the independent ones side by side
(``stage``).

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

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from notoneless.bundle import maps, schema
from notoneless.bundle.files import RawFile
from notoneless.bundle.manifest import Manifest
from notoneless.bundle.rejects import REASONS, RejectCode
from notoneless.bundle.work import Work, from_arrow, shared

_STR = pa.string()


@contextmanager
def staging_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Within the block, tables written to the workspace file keep their strings
    uncompressed: choosing and applying DuckDB's string compression (DICT_FSST) costs
    about as much CPU as all the joins of the person files, for a file of ~100 MB that
    is rebuilt on every run anyway. And insertion order is preserved (DuckDB's default,
    made sure of: the tables are stored in row order without sorting, see
    ``_in_row_order``). The settings are put back afterwards (later stages write their
    tables compressed as before)."""
    settings = {"disabled_compression_methods": "dict_fsst", "preserve_insertion_order": True}
    before = {k: con.execute(f"SELECT current_setting('{k}')").fetchone()[0] for k in settings}
    for k, v in settings.items():
        con.execute(f"SET {k} = ?", [v])
    try:
        yield
    finally:
        for k, v in before.items():
            con.execute(f"SET {k} = ?", [v])


# --- raw tables -------------------------------------------------------------------------


def load_raw(con: duckdb.DuckDBPyConnection, raw: RawFile) -> None:
    arrays = {"row_no": pa.array(raw.row_nos, pa.int32())}
    for fld, vals in raw.values.items():
        arrays[fld] = vals if isinstance(vals, pa.ChunkedArray) else pa.array(vals, _STR)
    from_arrow(con, shared(f"raw_{raw.stem}"), pa.table(arrays))


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
        CREATE OR REPLACE TABLE {shared('_w_divisions')} AS
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
        CREATE OR REPLACE TABLE {shared('_w_schools')} AS
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
        CREATE OR REPLACE TABLE {shared('_w_contacts')} AS
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
        CREATE OR REPLACE TABLE {shared('_w_visits')} AS
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


def stage_person_file(con: duckdb.DuckDBPyConnection, raw: RawFile) -> None:
    """The working rows ``_w_<stem>`` of one person file, stored in row order, with
    their final fingerprints: identical natural keys get an occurrence suffix in row
    order (the window runs over the few duplicated keys only). The tables made from
    them keep that order without sorting again (``_in_row_order``)."""
    w = shared(f"_w_{raw.stem}")
    con.execute(f"CREATE OR REPLACE TABLE {w} AS {_person_sql(raw.stem, raw)} ORDER BY row_no")
    con.execute(f"""
        UPDATE {w} SET _fp = _fp || '#' || o._occ
        FROM (SELECT row_no, row_number() OVER (PARTITION BY _fp ORDER BY row_no) AS _occ
              FROM {w}
              WHERE _reject IS NULL
                AND _fp IN (SELECT _fp FROM {w} WHERE _reject IS NULL GROUP BY _fp HAVING count(*) > 1)) o
        WHERE {w}.row_no = o.row_no AND o._occ > 1
    """)


def _in_row_order(stem: str, columns: str) -> str:
    """The accepted rows of ``_w_<stem>``, in their stored (row) order: DuckDB keeps the
    order of rows through SELECT, WHERE and UNION ALL over single tables, with
    ``preserve_insertion_order`` (docs: "Order Preservation"), so no ORDER BY is needed."""
    return f"SELECT {columns} FROM _w_{stem} WHERE _reject IS NULL"


def stage_person_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Each person file's own table ``<stem>`` (its fields beyond person_records)."""
    for stem in schema.PERSON_SOURCES:
        con.execute(f"CREATE OR REPLACE TABLE {stem} AS {_in_row_order(stem, 'record_key, ' + _SPECIFIC_COLUMNS[stem])}")


def stage_person_records(con: duckdb.DuckDBPyConnection) -> None:
    """``person_records``: the accepted rows of the six person files, file after file."""
    cols = _PERSON_COLUMNS.replace("fingerprint, ", "_fp AS fingerprint, ")
    union = " UNION ALL ".join(_in_row_order(s, cols) for s in schema.PERSON_SOURCES)
    con.execute(f"CREATE OR REPLACE TABLE person_records AS {union}")


def stage_rejects(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    keys, codes_, reasons = [], [], []
    for stem, raw in raws.items():
        for row_no, code in raw.structural_rejects:
            keys.append(f"{stem}:{row_no}")
            codes_.append(str(code))
            reasons.append(REASONS[code])
    from_arrow(con, "_structural_rejects", pa.table({
        "record_key": pa.array(keys, _STR), "code": pa.array(codes_, _STR), "reason": pa.array(reasons, _STR),
    }))
    from_arrow(con, "_reasons", pa.table({
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


def stage(work: Work, raws: dict[str, RawFile]) -> dict[str, tuple[int, int, int]]:
    """Every output table from the working rows and maps; ``count_rows``' counts.
    Independent tables are built side by side: first the working rows of the six
    person files (largest first, so that both threads finish about together), then
    ``person_records`` (one statement on one thread, mostly writing the workspace file)
    beside everything else: the person files' own tables, the 包保对象 map (only
    contacts and visits use it), contacts, visits, rejects and the counts."""
    stage_reference(work.cursor())  # the person files check their codes against divisions and schools
    persons = sorted(schema.PERSON_SOURCES, key=lambda s: -raws[s].rows_in)
    work.run([lambda con, raw=raws[s]: stage_person_file(con, raw) for s in persons])

    def the_rest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
        stage_person_tables(con)
        maps.build_responsibility_maps(con, raws)
        stage_responsibility(con)
        stage_rejects(con, raws)
        return count_rows(con, raws)

    return work.run([stage_person_records, the_rest])[1]


__all__ = ["count_rows", "load_raw", "stage", "stage_manifest", "staging_settings"]
