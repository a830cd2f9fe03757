"""Resolving the 包保对象 of contacts and visits to the graph's keys.

A contact's or visit's target (包保对象) is typed by people like any other key, so it
is resolved like one (contract section 1, "A contact's or visit's 包保对象 may itself
carry a typo"):

- 包村: a 12-digit village code (a ``Division``).
- 包户: a household key, 户号 (hukou) or 户编号 (fupin), cleaned like the records' keys.
- 包人, and visits: a person key — an ID number (normalised: full-width digits,
  lower-case x, the 15-digit form …) or a 学籍号. An ID that matches no record
  is repaired: its one-substitution / one-transposition candidates
  (``normalize.idnumber.repair_candidates``) are looked up among the IDs the
  records hold, and a candidate naming exactly one person resolves it. A 学籍号
  ``G`` + ID is tried as that ID too. Visits may name a household as well.

Normalising runs once per DISTINCT target value in Python (the normaliser is
Python); the matching is one set-based join in DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from notoneless.handoffs import G_HOUSEHOLD_KEYS, G_VILLAGES
from notoneless.normalize.idnumber import clean_id, normalize_id

# The records' person keys that a target's keys (g_target_keys) name, and no others: the
# match below joins on them, and at 1M every record's keys (783k) took most of the time.
_PERSON_KEYS_SQL = """
CREATE OR REPLACE TEMP TABLE g_person_keys AS
SELECT DISTINCT id_norm AS key, e.person_id FROM person_records p JOIN entities e USING (record_key)
WHERE id_norm IN (SELECT key FROM g_target_keys WHERE rank < 2)
UNION
SELECT DISTINCT xueji_no AS key, e.person_id FROM person_records p JOIN entities e USING (record_key)
WHERE xueji_no IN (SELECT key FROM g_target_keys WHERE rank < 2);
CREATE OR REPLACE TEMP TABLE g_valid_ids AS
SELECT DISTINCT id_norm AS key, e.person_id FROM person_records p JOIN entities e USING (record_key)
WHERE id_norm IN (SELECT key FROM g_target_keys WHERE rank = 2) AND id_valid;
"""
_KEYS_SQL = f"""
CREATE OR REPLACE TEMP TABLE {G_HOUSEHOLD_KEYS} AS
SELECT DISTINCT household_key AS key, source || ':' || household_key AS uid
FROM person_records JOIN entities USING (record_key)
WHERE household_key IS NOT NULL AND source IN ('hukou', 'fupin');
CREATE OR REPLACE TEMP TABLE {G_VILLAGES} AS
SELECT DISTINCT code FROM divisions WHERE length(code) = 12
UNION SELECT DISTINCT village_code FROM person_records WHERE length(village_code) = 12;
"""

# One row per (target value, candidate key, how it was derived); rank 0 = as typed,
# 1 = normalised ID, 2 = a repair candidate (accepted only when it names one person).
_MATCH_SQL = """
WITH person_direct AS (
    SELECT t.value, k.person_id, min(t.rank) AS rank
    FROM g_target_keys t JOIN g_person_keys k ON k.key = t.key
    WHERE t.rank < 2 GROUP BY t.value, k.person_id
),
person_repaired AS (
    SELECT t.value, any_value(k.person_id) AS person_id, 2 AS rank
    FROM g_target_keys t JOIN g_valid_ids k ON k.key = t.key
    WHERE t.rank = 2 AND t.value NOT IN (SELECT value FROM person_direct)
    GROUP BY t.value HAVING count(DISTINCT k.person_id) = 1
)
SELECT value, person_id, rank FROM person_direct
UNION ALL SELECT value, person_id, rank FROM person_repaired
"""


@dataclass
class TargetResolution:
    """Rows for the load queries, one per (row, target node)."""

    responsibilities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by target label
    visit_targets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unresolved: int = 0  # contact and visit rows whose target matched nothing
    repaired: int = 0  # rows resolved only through an ID repair candidate


def _key_variants(value: str) -> list[tuple[str, int]]:
    """The keys a typed target may stand for, ranked (see _MATCH_SQL)."""
    keys: list[tuple[str, int]] = []
    cleaned = clean_id(value)
    if cleaned:
        keys.append((cleaned, 0))
    for text in (cleaned, cleaned[1:] if cleaned[:1] in ("G", "L") else None):
        if not text:
            continue
        result = normalize_id(text)
        if result.id_norm:
            keys.append((result.id_norm, 1))
        keys.extend((c, 2) for c in result.id_candidates)
    return keys


def resolve_targets(con: duckdb.DuckDBPyConnection) -> TargetResolution:
    """Resolve every contact's and visit's 包保对象 in the workspace of ``con``."""
    con.execute(_KEYS_SQL)
    values = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT coalesce(target_norm, target_raw) FROM contacts "
            "UNION SELECT DISTINCT coalesce(target_norm, target_raw) FROM visits"
        ).fetchall()
        if r[0]
    ]
    key_rows = [(v, k, rank) for v in values for k, rank in _key_variants(v)]
    keys_arrow = pa.table(
        {
            "value": pa.array([r[0] for r in key_rows], pa.string()),
            "key": pa.array([r[1] for r in key_rows], pa.string()),
            "rank": pa.array([r[2] for r in key_rows], pa.int32()),
        }
    )
    con.register("g_target_keys_arrow", keys_arrow)
    con.execute("CREATE OR REPLACE TEMP TABLE g_target_keys AS SELECT * FROM g_target_keys_arrow")
    con.unregister("g_target_keys_arrow")
    con.execute(_PERSON_KEYS_SQL)
    con.execute(f"CREATE OR REPLACE TEMP TABLE g_target_person AS {_MATCH_SQL}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE g_target_household AS
           SELECT DISTINCT t.value, h.uid FROM g_target_keys t JOIN {G_HOUSEHOLD_KEYS} h ON h.key = t.key
           WHERE t.rank = 0"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE g_target_village AS
           SELECT DISTINCT t.value, v.code FROM g_target_keys t JOIN {G_VILLAGES} v ON v.code = t.key
           WHERE t.rank = 0"""
    )
    out = TargetResolution()

    def fetch(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [{k: v for k, v in zip(cols, row, strict=True) if v is not None} for row in cur.fetchall()]

    contact_cols = (
        "c.row_key, c.contact_id, c.duty_type AS type, c.status, c.target_raw"
    )
    contact_value = "coalesce(c.target_norm, c.target_raw)"
    out.responsibilities = {
        "Division": fetch(
            f"""SELECT {contact_cols}, v.code AS code FROM contacts c
                JOIN g_target_village v ON v.value = {contact_value}
                WHERE c.duty_type = '包村' ORDER BY c.row_key, code"""
        ),
        "Household": fetch(
            f"""SELECT {contact_cols}, h.uid FROM contacts c
                JOIN g_target_household h ON h.value = {contact_value}
                WHERE c.duty_type = '包户' ORDER BY c.row_key, h.uid"""
        ),
        "Person": fetch(
            f"""SELECT {contact_cols}, p.person_id, p.rank = 2 AS repaired FROM contacts c
                JOIN g_target_person p ON p.value = {contact_value}
                WHERE c.duty_type = '包人' ORDER BY c.row_key, p.person_id"""
        ),
    }
    visit_value = "coalesce(v.target_norm, v.target_raw)"
    out.visit_targets = {
        "Person": fetch(
            f"""SELECT v.row_key, p.person_id, p.rank = 2 AS repaired FROM visits v
                JOIN g_target_person p ON p.value = {visit_value} ORDER BY v.row_key, p.person_id"""
        ),
        "Household": fetch(
            f"""SELECT v.row_key, h.uid FROM visits v
                JOIN g_target_household h ON h.value = {visit_value} ORDER BY v.row_key, h.uid"""
        ),
    }
    resolved_contacts = {r["row_key"] for rows in out.responsibilities.values() for r in rows}
    resolved_visits = {r["row_key"] for rows in out.visit_targets.values() for r in rows}
    n_contacts = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    n_visits = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    out.unresolved = (n_contacts - len(resolved_contacts)) + (n_visits - len(resolved_visits))
    out.repaired = sum(1 for r in out.responsibilities["Person"] if r.get("repaired")) + sum(
        1 for r in out.visit_targets["Person"] if r.get("repaired")
    )
    return out
