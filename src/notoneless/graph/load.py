"""Loading the DuckDB workspace into the graph (workspace → Neo4j).

The tables of ``docs/workspace.md`` become the model of ``graph_schema/README.md``:
every row is shaped in DuckDB (one SQL statement per step, set-based), then written
through :meth:`GraphStore.write_rows` in ``UNWIND`` batches by the named queries under
``graph_schema/queries/load/``.

Idempotent: every node and relationship the load writes is ``MERGE``d on its key and
tagged with the run's ``run_id``; after the writes, whatever still carries an older
``run_id`` (a record no longer in the bundle, a relationship that moved) is deleted.
A re-run of the same bundle therefore leaves the same graph.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb

from notoneless.graph.store import GraphStore
from notoneless.graph.targets import TargetResolution, resolve_targets
from notoneless.handoffs import G_CONTACTS
from notoneless.normalize.idnumber import clean_id


class ServiceSummary(Protocol):
    """What merging the officers' 三包 events reports (``contacts.merge.ServiceReport``)."""

    def as_dict(self) -> dict[str, Any]: ...

    def describe(self) -> str: ...


class ServiceEvents(Protocol):
    """The officers' 三包 events merged into the load (``contacts.effective.ServiceStatements``).

    A protocol, not the class: the graph layer sits below ``contacts`` and must not import it.
    """

    def apply(self, con: duckdb.DuckDBPyConnection, targets: TargetResolution) -> ServiceSummary: ...

    def link_rows(self) -> list[dict[str, Any]]: ...

# Source ranking used wherever one value of a person must be chosen: the household
# registry (户籍) is the basic reference (shared/domain.md), then the student registry.
SOURCE_RANK_SQL = (
    "CASE source WHEN 'hukou' THEN 0 WHEN 'xueji' THEN 1 WHEN 'fupin' THEN 2 "
    "WHEN 'minzheng' THEN 3 WHEN 'canlian' THEN 4 ELSE 5 END"
)

_LEVEL_BY_LENGTH_SQL = "CASE length(code) WHEN 2 THEN '省' WHEN 4 THEN '市' WHEN 6 THEN '县' WHEN 9 THEN '乡' ELSE '村' END"
_PARENT_BY_PREFIX_SQL = (
    "CASE length(code) WHEN 12 THEN left(code, 9) WHEN 9 THEN left(code, 6) "
    "WHEN 6 THEN left(code, 4) WHEN 4 THEN left(code, 2) END"
)

# --- the rows of each step, shaped in DuckDB ------------------------------------

DIVISIONS_SQL = f"""
WITH refs AS (
    SELECT code FROM divisions
    UNION SELECT parent_code FROM divisions
    UNION SELECT county_code FROM schools
    UNION SELECT village_code FROM person_records
    UNION SELECT town_code FROM person_records
    UNION SELECT county_code FROM person_records
    UNION SELECT school_county FROM person_records
    UNION SELECT paying_county FROM zizhu
),
codes AS (
    SELECT DISTINCT left(code, n) AS code
    FROM refs, (VALUES (2), (4), (6), (9), (12)) AS t(n)
    WHERE code IS NOT NULL AND regexp_full_match(code, '[0-9]+')
      AND length(code) IN (2, 4, 6, 9, 12) AND length(code) >= n
)
SELECT c.code, d.name, coalesce(d.level, {_LEVEL_BY_LENGTH_SQL}) AS level,
       coalesce(d.parent_code, {_PARENT_BY_PREFIX_SQL.replace('code', 'c.code')}) AS parent_code,
       d.code IS NOT NULL AS listed
FROM codes c LEFT JOIN (SELECT DISTINCT ON (code) * FROM divisions ORDER BY code) d USING (code)
ORDER BY c.code
"""

SCHOOLS_SQL = """
WITH listed AS (SELECT DISTINCT ON (school_id) school_id, name, county_code, school_type
                FROM schools WHERE school_id IS NOT NULL ORDER BY school_id),
seen AS (SELECT school_id, any_value(school_county) AS county_code
         FROM person_records WHERE source = 'xueji' AND school_id IS NOT NULL GROUP BY school_id)
SELECT coalesce(l.school_id, s.school_id) AS school_id, l.name,
       coalesce(l.county_code, s.county_code) AS county_code, l.school_type, l.school_id IS NOT NULL AS listed
FROM listed l FULL JOIN seen s USING (school_id)
ORDER BY school_id
"""

PERSONS_SQL = f"""
WITH r AS (
    SELECT e.person_id, p.*, {SOURCE_RANK_SQL} AS src_rank
    FROM entities e JOIN person_records p USING (record_key)
),
ids AS (
    SELECT person_id, id_norm,
           row_number() OVER (PARTITION BY person_id
                              ORDER BY max(CASE WHEN source = 'hukou' THEN 1 ELSE 0 END) DESC,
                                       count(*) DESC, min(src_rank), id_norm) AS rn
    FROM r WHERE id_valid AND id_norm IS NOT NULL GROUP BY person_id, id_norm
),
names AS (
    SELECT person_id, name_norm, min(name_pinyin) AS name_pinyin,  -- pinyin is a function of name_norm
           row_number() OVER (PARTITION BY person_id
                              ORDER BY max(CASE WHEN source = 'hukou' THEN 1 ELSE 0 END) DESC,
                                       count(*) DESC, min(src_rank), name_norm) AS rn
    FROM r WHERE name_norm IS NOT NULL AND name_norm <> '' GROUP BY person_id, name_norm
),
sexes AS (
    SELECT person_id, sex,
           row_number() OVER (PARTITION BY person_id
                              ORDER BY max(CASE WHEN source = 'hukou' THEN 1 ELSE 0 END) DESC,
                                       count(*) DESC, min(src_rank), sex) AS rn
    FROM r WHERE sex IS NOT NULL GROUP BY person_id, sex
),
births AS (
    SELECT person_id, birth_date,
           row_number() OVER (PARTITION BY person_id
                              ORDER BY max(CASE WHEN source = 'hukou' THEN 1 ELSE 0 END) DESC,
                                       count(*) DESC, min(src_rank), birth_date) AS rn
    FROM r WHERE birth_date IS NOT NULL GROUP BY person_id, birth_date
),
agg AS (
    SELECT person_id, count(*) AS record_count, list(DISTINCT source ORDER BY source) AS sources
    FROM r GROUP BY person_id
)
SELECT a.person_id, n.name_norm AS name, n.name_pinyin, i.id_norm AS id_number,
       -- the birth date of a valid ID wins (contract: compulsory age from the ID)
       coalesce(try_strptime(substr(i.id_norm, 7, 8), '%Y%m%d')::DATE, b.birth_date) AS birth_date,
       coalesce(CASE WHEN i.id_norm IS NOT NULL
                     THEN CASE WHEN (ascii(substr(i.id_norm, 17, 1)) - 48) % 2 = 1 THEN 'M' ELSE 'F' END END,
                s.sex) AS sex,
       a.record_count, a.sources
FROM agg a
LEFT JOIN ids i ON i.person_id = a.person_id AND i.rn = 1
LEFT JOIN names n ON n.person_id = a.person_id AND n.rn = 1
LEFT JOIN sexes s ON s.person_id = a.person_id AND s.rn = 1
LEFT JOIN births b ON b.person_id = a.person_id AND b.rn = 1
ORDER BY a.person_id
"""

RECORDS_SQL = """
SELECT p.record_key, e.person_id, p.source, p.row_no, p.fingerprint,
       p.id_raw, p.id_norm, p.id_valid, p.id_issue, p.id_candidates, p.xueji_no,
       p.name_raw, p.name_norm, p.birth_date, p.sex,
       coalesce(p.village_code, p.town_code, p.county_code) AS division_code,
       p.household_key, p.head_name, p.guardian_name, p.warnings,
       h.ethnicity, coalesce(h.relation, f.relation) AS relation, h.hukou_status,
       x.school_id, x.grade, x.enrol_status, x.hukou_code, x.boarding,
       f.poverty_type, c.disability_type, c.disability_grade, m.relief_type,
       z.project, CAST(z.amount AS DOUBLE) AS amount, z.term, z.paying_county, z.paid_date, z.pay_method
FROM person_records p
JOIN entities e USING (record_key)
LEFT JOIN hukou h USING (record_key)
LEFT JOIN xueji x USING (record_key)
LEFT JOIN fupin f USING (record_key)
LEFT JOIN canlian c USING (record_key)
LEFT JOIN minzheng m USING (record_key)
LEFT JOIN zizhu z USING (record_key)
ORDER BY e.person_id, p.record_key
"""

HOUSEHOLDS_SQL = """
SELECT DISTINCT source || ':' || household_key AS key, household_key AS number, source AS system
FROM person_records JOIN entities USING (record_key)
WHERE household_key IS NOT NULL AND source IN ('hukou', 'fupin')
ORDER BY key
"""

CONTACTS_SQL = """
SELECT contact_id, arg_min(name, row_key) AS name, arg_min(phone, row_key) AS phone,
       arg_min(unit, row_key) AS unit,
       CASE WHEN bool_or(status = '在岗') THEN '在岗' ELSE arg_min(status, row_key) END AS status
FROM contacts WHERE contact_id IS NOT NULL GROUP BY contact_id ORDER BY contact_id
"""

VISITS_SQL = """
SELECT row_key AS key, contact_id, target_raw, target_norm, visit_date, method
FROM visits WHERE row_key IS NOT NULL ORDER BY key
"""

# (label for the progress bar, named query, rows SQL). The order matters: nodes
# before the relationships that MATCH them.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("Division 行政区划", "load/divisions", DIVISIONS_SQL),
    ("PART_OF 上级区划", "load/division_parents", DIVISIONS_SQL),
    ("School 学校", "load/schools", SCHOOLS_SQL),
    ("Person 人员", "load/persons", PERSONS_SQL),
    ("Household 户", "load/households", HOUSEHOLDS_SQL),
    # with each record: HAS_RECORD, REGISTERED_IN, ENROLLED_AT, MEMBER_OF, Payment/PAID_BY
    ("SourceRecord 源记录", "load/records", RECORDS_SQL),
    # G_CONTACTS: CONTACTS_SQL, with the service's registered contacts and status changes (contacts/effective.py)
    ("Contact 帮扶联系人", "load/contacts", f"SELECT * FROM {G_CONTACTS} ORDER BY contact_id"),
    ("RESPONSIBLE_FOR 包村", "load/responsible_for_division", "responsibilities:Division"),
    ("RESPONSIBLE_FOR 包户", "load/responsible_for_household", "responsibilities:Household"),
    ("RESPONSIBLE_FOR 包人", "load/responsible_for_person", "responsibilities:Person"),
    ("Visit 走访", "load/visits", VISITS_SQL),
    ("TO 走访对象(人)", "load/visits_to_person", "visit_targets:Person"),
    ("TO 走访对象(户)", "load/visits_to_household", "visit_targets:Household"),
)
# Steps whose rows come from resolve_targets (a "<attribute>:<label>" source) rather than SQL.
_TARGET_SOURCE = re.compile(r"^(responsibilities|visit_targets):(\w+)$")

STALE_QUERIES = ("load/remove_stale_relationships", "load/remove_stale_nodes")

ProgressFn = Callable[[str, int, int], None]  # (label, rows done, rows total)


@dataclass
class LoadReport:
    """What one load wrote: rows per step, stale items removed, unresolved targets."""

    run_id: str
    rows: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    unresolved_targets: int = 0
    seconds: float = 0.0
    service: ServiceSummary | None = None  # when the service's 三包 events were merged


def _rows(con: duckdb.DuckDBPyConnection, sql: str, chunk: int = 50_000) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``sql`` as dicts without NULL values (Neo4j stores no nulls), in chunks."""
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    while True:
        batch = cur.fetchmany(chunk)
        if not batch:
            return
        yield [{k: v for k, v in zip(cols, row, strict=True) if v is not None} for row in batch]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]


def load_graph(
    con: duckdb.DuckDBPyConnection,
    store: GraphStore,
    *,
    run_id: str,
    batch_size: int | None = None,
    on_progress: ProgressFn | None = None,
    service: ServiceEvents | None = None,
) -> LoadReport:
    """Write the workspace of ``con`` into the graph of ``store`` (a ``GraphStore``).

    ``on_progress(label, done, total)`` is called after every batch. ``service``: the
    officers' 三包 events (``contacts.effective.ServiceStatements``), merged into the
    bundle's contacts before they are written. Returns the counts per step and the
    stale items removed.
    """
    started = time.perf_counter()
    report = LoadReport(run_id=run_id)
    targets = resolve_targets(con)
    report.unresolved_targets = targets.unresolved
    con.execute(f"CREATE OR REPLACE TEMP TABLE {G_CONTACTS} AS {CONTACTS_SQL}")
    if service is not None:
        report.service = service.apply(con, targets)
    for label, query, sql in STEPS:
        target_source = _TARGET_SOURCE.match(sql)
        if target_source:
            rows_of = getattr(targets, target_source[1]).get(target_source[2], [])
            chunks: Any = [rows_of] if rows_of else []
            total = len(rows_of)
        else:
            if query == "load/division_parents":
                sql = f"SELECT code, parent_code FROM ({DIVISIONS_SQL}) WHERE parent_code IS NOT NULL"
            total = _count(con, sql)
            chunks = _rows(con, sql)
        progress = {"done": 0}
        if on_progress:
            on_progress(label, 0, total)

        def _tick(n: int, _label: str = label, _total: int = total, _progress: dict = progress) -> None:
            _progress["done"] += n
            if on_progress:
                on_progress(_label, min(_progress["done"], _total), _total)

        for rows in chunks:
            for row in rows:
                row["run_id"] = run_id
            if query == "load/records":
                rows = [_record_row(row) for row in rows]
            store.write_rows(query, rows, batch_size=batch_size, on_batch=_tick)
        done = progress["done"]
        report.rows[label] = done
    if service is not None:
        links = [{**row, "run_id": run_id} for row in service.link_rows()]
        if links:
            store.write_rows("contacts/link_events", links, batch_size=batch_size)
    store.query("load/contact_counties")  # who may act on each contact (its county)
    report.removed = remove_stale(store, run_id)
    report.seconds = time.perf_counter() - started
    return report


# Record properties that are also written as the record's relationships.
_RECORD_LINKS = {"division_code": "code", "hukou_status": "status", "school_id": "school_id", "grade": "grade",
                 "enrol_status": "enrol_status", "relation": "relation", "paying_county": "paying_county"}


def _record_row(flat: dict[str, Any]) -> dict[str, Any]:
    """A record row as load/records reads it: the node's properties, and its links."""
    props = {k: v for k, v in flat.items() if k != "person_id"}
    row: dict[str, Any] = {"record_key": flat["record_key"], "person_id": flat["person_id"],
                           "run_id": flat["run_id"], "props": props}
    for prop, key in _RECORD_LINKS.items():
        if prop in flat:
            row[key] = flat[prop]
    if flat.get("household_key") and flat.get("source") in ("hukou", "fupin"):
        row["household"] = f"{flat['source']}:{flat['household_key']}"
    return row


def remove_stale(store: GraphStore, run_id: str, limit: int = 20_000) -> dict[str, int]:
    """Delete what an earlier run wrote and this one did not (relationships, then nodes)."""
    removed: dict[str, int] = {}
    for query in STALE_QUERIES:
        total = 0
        while True:
            rows = store.query(query, run_id=run_id, limit=limit)
            n = rows[0]["removed"] if rows else 0
            total += n
            if n < limit:
                break
        removed[query.split("/")[-1]] = total
    return removed


def normalize_lookup_key(raw: str) -> str:
    """A key typed by an officer (person id, ID number, 学籍号) in the form the graph holds."""
    return clean_id(raw)
