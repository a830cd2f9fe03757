"""Small DuckDB workspaces built by hand, table by table as ``docs/workspace.md`` lists them.

Tests of the graph load and the checks use these instead of a bundle, so every fact a
check sees is written out in the test itself. ``person_id`` on a record stands for the
linkage's answer (the ``entities`` table).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
from stdnum.cn import ric

from notoneless.checks.definitions import school_year_start
from notoneless.normalize.idnumber import birth_date_from_id, is_valid_id

DDL = """
CREATE TABLE manifest (name VARCHAR, province_code VARCHAR, term VARCHAR, reference_date DATE, school_year_start DATE);
CREATE TABLE divisions (code VARCHAR, name VARCHAR, level VARCHAR, parent_code VARCHAR);
CREATE TABLE schools (school_id VARCHAR, name VARCHAR, county_code VARCHAR, school_type VARCHAR);
CREATE TABLE person_records (
    record_key VARCHAR, source VARCHAR, row_no INTEGER, fingerprint VARCHAR,
    id_raw VARCHAR, id_norm VARCHAR, id_valid BOOLEAN, id_candidates VARCHAR[], id_issue VARCHAR, id_prefix VARCHAR,
    xueji_no VARCHAR, name_raw VARCHAR, name_norm VARCHAR, surname VARCHAR, given_name VARCHAR,
    name_pinyin VARCHAR, surname_pinyin VARCHAR, given_pinyin VARCHAR, name_swapped BOOLEAN,
    birth_date DATE, sex VARCHAR, village_code VARCHAR, town_code VARCHAR, county_code VARCHAR,
    school_id VARCHAR, school_county VARCHAR, household_key VARCHAR, head_name VARCHAR, guardian_name VARCHAR,
    birth_county VARCHAR, warnings VARCHAR[]);
CREATE TABLE hukou (record_key VARCHAR, ethnicity VARCHAR, relation VARCHAR, hukou_status VARCHAR);
CREATE TABLE xueji (record_key VARCHAR, school_id VARCHAR, grade VARCHAR, enrol_status VARCHAR, hukou_code VARCHAR,
                    boarding BOOLEAN);
CREATE TABLE fupin (record_key VARCHAR, poverty_type VARCHAR, relation VARCHAR);
CREATE TABLE canlian (record_key VARCHAR, disability_type VARCHAR, disability_grade VARCHAR);
CREATE TABLE minzheng (record_key VARCHAR, relief_type VARCHAR);
CREATE TABLE zizhu (record_key VARCHAR, project VARCHAR, amount DECIMAL(12,2), term VARCHAR, paying_county VARCHAR,
                    paid_date DATE, pay_method VARCHAR);
CREATE TABLE contacts (row_key VARCHAR, contact_id VARCHAR, name VARCHAR, phone VARCHAR, unit VARCHAR,
                       duty_type VARCHAR, target_raw VARCHAR, target_norm VARCHAR, status VARCHAR);
CREATE TABLE visits (row_key VARCHAR, contact_id VARCHAR, target_raw VARCHAR, target_norm VARCHAR,
                     visit_date DATE, method VARCHAR);
CREATE TABLE rejects (record_key VARCHAR, code VARCHAR, reason VARCHAR);
CREATE TABLE ingest_counts (stem VARCHAR, rows_in INTEGER, accepted INTEGER, rejected INTEGER);
CREATE TABLE entities (record_key VARCHAR, person_id VARCHAR);
CREATE TABLE identity_conflicts (record_key_l VARCHAR, record_key_r VARCHAR, match_weight DOUBLE,
                                 match_probability DOUBLE, code VARCHAR, reason VARCHAR);
"""

SOURCE_COLUMNS = {
    "hukou": ("ethnicity", "relation", "hukou_status"),
    "xueji": ("school_id", "grade", "enrol_status", "hukou_code", "boarding"),
    "fupin": ("poverty_type", "relation"),
    "canlian": ("disability_type", "disability_grade"),
    "minzheng": ("relief_type",),
    "zizhu": ("project", "amount", "term", "paying_county", "paid_date", "pay_method"),
}


def make_id(region: str, birth: str, seq: str = "001") -> str:
    """A valid 18-digit ID number: 6-digit region, YYYYMMDD, 3-digit sequence, check digit."""
    body = region + birth.replace("-", "") + seq
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of 18


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def build_workspace(
    con: duckdb.DuckDBPyConnection,
    *,
    province_code: str = "43",
    term: str = "2025秋",
    reference_date: str = "2025-10-15",
    divisions: list[tuple[str, str, str, str | None]] = (),
    schools: list[tuple[str, str, str, str]] = (),
    records: list[dict[str, Any]] = (),
    contacts: list[dict[str, Any]] = (),
    visits: list[dict[str, Any]] = (),
    rejects: list[tuple[str, str, str]] = (),
) -> None:
    """Create every workspace table and fill it.

    A record is a dict with ``source``, ``row``, ``person_id`` and any of: ``id`` (raw
    ID; normalised/validated here), ``name``, ``birth`` (used when the ID is not valid),
    ``sex``, ``code`` (区划代码, or 户口所在地 for xueji), ``household``, ``xueji_no`` and
    the source's own columns (SOURCE_COLUMNS). A dirty record gives its cleaned values
    beside the raw ones: ``id_norm`` with ``id_issue`` (e.g. len15), ``name_norm``.
    """
    con.execute(DDL)
    con.execute(
        "INSERT INTO manifest VALUES (?, ?, ?, ?, ?)",
        ["测试", province_code, term, _date(reference_date), school_year_start(term)],
    )
    for d in divisions:
        con.execute("INSERT INTO divisions VALUES (?, ?, ?, ?)", list(d))
    school_county = {}
    for s in schools:
        con.execute("INSERT INTO schools VALUES (?, ?, ?, ?)", list(s))
        school_county[s[0]] = s[2]
    for r in records:
        source, row = r["source"], r["row"]
        key = f"{source}:{row}"
        raw_id = r.get("id")
        id_norm = r.get("id_norm") or (raw_id.strip().upper() if raw_id else None)
        valid = bool(id_norm) and is_valid_id(id_norm)
        birth = birth_date_from_id(id_norm) if valid else _date(r.get("birth"))
        sex = ("M" if int(id_norm[16]) % 2 else "F") if valid else r.get("sex")
        code = r.get("code")
        if source == "xueji":
            code = r.get("hukou_code", code)
        village = code if code and len(code) == 12 else None
        county = code[:6] if code and len(code) >= 6 else None
        con.execute(
            """INSERT INTO person_records (record_key, source, row_no, fingerprint, id_raw, id_norm, id_valid,
                   id_candidates, id_issue, xueji_no, name_raw, name_norm, birth_date, sex, village_code,
                   town_code, county_code, school_id, school_county, household_key, warnings)
               VALUES (?, ?, ?, ?, ?, ?, ?, [], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, [])""",
            [
                key, source, row, f"fp-{key}", raw_id, id_norm, valid,
                r.get("id_issue") or ("ok" if valid else ("missing" if not id_norm else "bad_check")),
                r.get("xueji_no"), r.get("name"), r.get("name_norm", r.get("name")), birth, sex, village,
                code[:9] if village else None, county, r.get("school_id"),
                school_county.get(r.get("school_id")), r.get("household"),
            ],
        )
        cols = SOURCE_COLUMNS[source]
        values = dict(r)
        if source == "xueji":
            values["hukou_code"] = code
        con.execute(
            f"INSERT INTO {source} (record_key, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})",
            [key, *[_date(values.get(c)) if c == "paid_date" else values.get(c) for c in cols]],
        )
        if r.get("person_id"):
            con.execute("INSERT INTO entities VALUES (?, ?)", [key, r["person_id"]])
    for i, c in enumerate(contacts, start=1):
        con.execute(
            "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f"contacts:{c.get('row', i)}", c["contact_id"], c.get("name", "联系人"), None, None, c["type"],
             c["target"], c.get("target_norm"), c.get("status", "在岗")],
        )
    for i, v in enumerate(visits, start=1):
        con.execute(
            "INSERT INTO visits VALUES (?, ?, ?, ?, ?, ?)",
            [f"visits:{v.get('row', i)}", v["contact_id"], v["target"], v.get("target_norm"), _date(v["date"]),
             v.get("method", "入户")],
        )
    for rj in rejects:
        con.execute("INSERT INTO rejects VALUES (?, ?, ?)", list(rj))
