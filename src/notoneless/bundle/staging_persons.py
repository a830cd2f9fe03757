"""Staging the six person files: the one wide SELECT per file that normalises its
fields through the map tables, decides rejects and warnings and computes the
fingerprint (``_person_sql``); the working rows ``_w_<stem>`` stored in row order with
their final fingerprints; then each file's own table and ``person_records``. The
per-field decisions are listed in staging.py's docstring.
"""

from __future__ import annotations

import duckdb

from notoneless.bundle import schema
from notoneless.bundle.files import RawFile
from notoneless.bundle.rejects import RejectCode
from notoneless.bundle.staging_sql import blank, vocab_join, warnings_list
from notoneless.bundle.work import shared

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
            ("hukou_code_invalid" if stem == "xueji" else "division_invalid", f"dv.val IS NULL AND NOT {blank('r.' + loc_col)}"),
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
            joins.append(vocab_join(kind, c, alias))
            specific.append(f"{alias}.val AS {out}")
            if warn:
                warns.append((warn, f"{alias}.val IS NULL AND NOT {blank('r.' + c)}"))
        else:
            specific.append(f"NULL::VARCHAR AS {out}")

    if stem == "hukou":
        vocab("text", "ethnicity", "eth", "ethnicity")
        vocab("text", "relation", "rel", "relation")
        vocab("hukou_status", "hukou_status", "hs", "hukou_status", "hukou_status_invalid")
        warns.append(("hukou_status_missing", blank("r.hukou_status")))
    elif stem == "xueji":
        joins.append("LEFT JOIN _m_vocab sid ON sid.kind = 'key' AND sid.raw = r.school_id")
        joins.append("LEFT JOIN schools sch ON sch.school_id = sid.val")
        school_id, school_county = "sid.val", "sch.county_code"
        specific.append("sid.val AS _school_id")
        warns += [("school_missing", "sid.val IS NULL"), ("school_unknown", "sid.val IS NOT NULL AND sch.school_id IS NULL")]
        vocab("grade", "grade", "gr", "grade", "grade_invalid")
        vocab("enrol_status", "enrol_status", "es", "enrol_status", "enrol_status_invalid")
        warns.append(("enrol_status_missing", blank("r.enrol_status")))
        specific.append("dv.val AS hukou_code")
        if has("boarding_raw"):
            joins.append("LEFT JOIN _m_bool bo ON bo.raw = r.boarding_raw")
            specific.append("bo.b AS boarding")
            warns.append(("boarding_invalid", f"bo.b IS NULL AND NOT {blank('r.boarding_raw')}"))
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
        warns.append(("term_missing", blank("r.term")))
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
        ("sex_invalid", f"sx.val IS NULL AND NOT {blank(col('sex_raw'))}"),
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
            {warnings_list(warns)} AS warnings,
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
