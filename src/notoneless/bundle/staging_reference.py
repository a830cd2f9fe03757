"""Staging the reference files (divisions, schools: the person files check their
codes against them, so they come first) and the responsibility files (contacts,
visits: 三包 duties and their visits, with their targets resolved through the
包保对象 map).
"""

from __future__ import annotations

import duckdb

from notoneless.bundle.rejects import RejectCode
from notoneless.bundle.staging_sql import blank, warnings_list
from notoneless.bundle.work import shared


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
               {warnings_list([
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
               {warnings_list([("method_invalid", f"m.val IS NULL AND NOT {blank('r.method')}"),
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
