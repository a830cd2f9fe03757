"""Loading the DuckDB workspace into the graph (workspace → Neo4j).

The tables of ``docs/workspace.md`` become the model of ``graph_schema/README.md``:
every row is shaped in DuckDB (one SQL statement per step, set-based), then written
through :meth:`GraphStore.write_rows` in ``UNWIND`` batches by the named queries under
``graph_schema/queries/load/``.

Incremental: the workspace keeps what the graph holds as of the last completed load
(``graph/load_state.py``: per step, each item's key and fingerprint). When its token
equals the graph's load marker, only the new and changed rows are written and the
removed keys deleted by key; otherwise (fresh workspace, graph cleared, restored or
loaded by another writer, a load that stopped half-way) the load is full: every node and
relationship is ``MERGE``d on its key and tagged with the run's ``run_id``, and whatever
still carries an older ``run_id`` is deleted. Either way a re-run of the same bundle
leaves the same graph (``graph_schema/README.md``, "the incremental load").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from notoneless.config import Settings
from notoneless.graph import bulk_import
from notoneless.graph.load_state import LoadState
from notoneless.graph.store import REPLAN_MIN_ROWS, GraphStore
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

    def token(self) -> str: ...

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

_PERSON_FACTS_SQL = f"""
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


def _any(pred: str, among: str) -> str:
    """Cypher's ``any(x IN list WHERE pred)`` over the records ``among`` selects, with its
    three-valued logic: true if the predicate holds for one, else null if it is null for
    one, else false (SQL's bool_or ignores nulls)."""
    return (f"CASE WHEN bool_or({pred}) FILTER ({among}) THEN true "
            f"WHEN count(*) FILTER (({among}) AND ({pred}) IS NULL) > 0 THEN NULL ELSE false END")


_COMPULSORY_GRADES_SQL = ", ".join(f"'{g}'" for g in (
    "一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"))
_XUEJI_ORDER_SQL = "CASE enrol_status WHEN '在读' THEN 0 WHEN '休学' THEN 1 ELSE 2 END"

# The persons' status: the contract's definitions (section 3) exactly as the named graph
# query checks/person_status computes them from the graph (its header says what each
# means). Computed here, on the workspace's own rows, so that the Person node carries them
# from the load: the checks stage then writes nothing per person, and an incremental load
# rewrites a person only when a fact of theirs changed. Every list the Cypher takes the
# head of is an arg_min over (its order, row_no) here; tests/checks/test_person_status.py
# compares the two on every person. The compulsory-age range is the manifest's school
# year start less 16 and 6 years (checks/definitions.compulsory_birth_range).
PERSON_STATUS_SQL = f"""
WITH m AS (
    SELECT province_code AS province,
           CAST(school_year_start - INTERVAL 16 YEAR AS DATE) AS born_after,
           CAST(school_year_start - INTERVAL 6 YEAR AS DATE) AS born_by
    FROM manifest LIMIT 1
),
school_county AS (SELECT school_id, county_code FROM ({SCHOOLS_SQL.strip()})),
r AS (
    SELECT e.person_id, p.record_key, p.source, p.row_no,
           coalesce(p.village_code, p.town_code, p.county_code) AS code,
           h.hukou_status, x.enrol_status, x.grade, x.hukou_code, mz.relief_type,
           sc.county_code AS school_county,
           starts_with(coalesce(p.village_code, p.town_code, p.county_code), m.province) AS here
    FROM person_records p JOIN entities e USING (record_key) LEFT JOIN m ON true
    LEFT JOIN hukou h USING (record_key)
    LEFT JOIN xueji x USING (record_key)
    LEFT JOIN minzheng mz USING (record_key)
    LEFT JOIN school_county sc ON sc.school_id = x.school_id AND p.source = 'xueji'
),
agg AS (
    SELECT person_id,
        count(*) FILTER (source = 'hukou') AS n_hukou,
        count(*) FILTER (source = 'fupin') AS n_fupin,
        count(*) FILTER (source = 'minzheng') AS n_minzheng,
        count(*) FILTER (source = 'canlian') AS n_canlian,
        arg_min(code, [row_no]) FILTER (source = 'hukou' AND hukou_status = '正常' AND here) AS hukou_here,
        arg_min(code, [CASE source WHEN 'fupin' THEN 0 WHEN 'minzheng' THEN 1 ELSE 2 END, row_no])
            FILTER (source IN ('fupin', 'minzheng', 'canlian') AND here) AS other_here,
        arg_min(CASE WHEN source = 'hukou' THEN code ELSE hukou_code END,
                CASE WHEN source = 'hukou' THEN [0, CASE WHEN hukou_status = '正常' THEN 0 ELSE 1 END, row_no]
                     ELSE [1, {_XUEJI_ORDER_SQL}, row_no] END)
            FILTER ((source = 'hukou' AND code IS NOT NULL) OR (source = 'xueji' AND hukou_code IS NOT NULL))
            AS reg_code,
        arg_min(school_county, [row_no]) FILTER (source = 'xueji' AND enrol_status = '在读'
                                                 AND school_county IS NOT NULL) AS study_county,
        arg_min(school_county, [{_XUEJI_ORDER_SQL}, row_no])
            FILTER (source = 'xueji' AND school_county IS NOT NULL) AS school_county,
        arg_min(code, [CASE source WHEN 'fupin' THEN 0 WHEN 'hukou' THEN 1 WHEN 'minzheng' THEN 2 ELSE 3 END, row_no])
            FILTER (source IN ('fupin', 'hukou', 'minzheng', 'canlian') AND code IS NOT NULL) AS any_code,
        arg_min(hukou_code, [row_no]) FILTER (source = 'xueji' AND hukou_code IS NOT NULL) AS xueji_hukou_code,
        {_any("hukou_status IN ('死亡', '迁出', '注销')", "source = 'hukou'")} AS left_hukou,
        {_any("hukou_status = '正常'", "source = 'hukou'")} AS normal_hukou,
        {_any("enrol_status IN ('在读', '休学')", "source = 'xueji'")} AS enrolled,
        {_any("enrol_status = '在读'", "source = 'xueji'")} AS studying,
        {_any(f"enrol_status = '在读' AND grade IN ({_COMPULSORY_GRADES_SQL})", "source = 'xueji'")}
            AS studying_compulsory,
        {_any("relief_type = '农村低保'", "source = 'minzheng'")} AS dibao,
        {_any("relief_type = '农村特困'", "source = 'minzheng'")} AS tekun
    FROM r GROUP BY person_id
),
s AS (
    SELECT person_id, enrolled, studying, studying_compulsory, dibao, tekun, study_county, school_county,
           left_hukou AND NOT normal_hukou AS excluded,
           CASE WHEN hukou_here IS NOT NULL THEN hukou_here WHEN n_hukou = 0 THEN other_here END AS active_reg_code,
           left(reg_code, 6) AS reg_county, xueji_hukou_code, any_code,
           n_fupin > 0 AS fupin, n_minzheng > 0 AS relief, n_canlian > 0 AS disabled
    FROM agg
)
SELECT f.*, ca.compulsory_age, s.excluded, s.enrolled, s.studying, s.studying_compulsory, s.active_reg_code,
       ca.compulsory_age AND s.active_reg_code IS NOT NULL AND NOT s.enrolled AND NOT s.excluded AS unmatched,
       ca.compulsory_age AND (s.fupin OR (s.active_reg_code IS NOT NULL AND NOT s.enrolled AND NOT s.excluded))
           AS target,
       s.reg_county, s.study_county, s.school_county,
       coalesce(s.active_reg_code, s.any_code, s.xueji_hukou_code) AS home_code,
       s.fupin, s.dibao, s.tekun, s.relief, s.disabled
FROM ({_PERSON_FACTS_SQL.strip()}) f
LEFT JOIN m ON true
CROSS JOIN LATERAL (SELECT f.birth_date IS NOT NULL AND f.birth_date > m.born_after
                           AND f.birth_date <= m.born_by AS compulsory_age) ca
LEFT JOIN s USING (person_id)
ORDER BY f.person_id
"""
PERSONS_SQL = PERSON_STATUS_SQL

# What a person's row (PERSONS_SQL) is made of, so that an incremental load computes the rows
# of only the persons whose inputs changed (at 1M, PERSONS_SQL over everyone was the larger
# part of comparing a 5 %-changed bundle). Per person: each of their records' columns that
# PERSONS_SQL reads (keep the two in step: tests/graph/test_person_inputs.py changes each
# of them); shared by every person: the manifest and the schools' counties.
PERSON_INPUTS_SQL = """
SELECT e.person_id AS _k,
       sum(hash(p.record_key, p.source, p.row_no, p.id_norm, p.id_valid, p.name_norm, p.name_pinyin, p.sex,
                p.birth_date, p.village_code, p.town_code, p.county_code, h.hukou_status, x.enrol_status,
                x.grade, x.hukou_code, x.school_id, mz.relief_type)::HUGEINT)::VARCHAR AS _fp
FROM person_records p JOIN entities e USING (record_key)
LEFT JOIN hukou h USING (record_key)
LEFT JOIN xueji x USING (record_key)
LEFT JOIN minzheng mz USING (record_key)
GROUP BY e.person_id
"""
PERSONS_SHARED_SQL = f"""
SELECT '*' AS _k,
       (coalesce((SELECT sum(hash(m)::HUGEINT) FROM manifest m), 0)
        + coalesce((SELECT sum(hash(s.school_id, s.county_code)::HUGEINT) FROM ({SCHOOLS_SQL.strip()}) s), 0))::VARCHAR
           AS _fp
"""
# Their fingerprints' names in the workspace's record (graph/load_state.py).
_PERSON_INPUTS, _PERSONS_SHARED = "load/persons#inputs", "load/persons#shared"


def _only(sql: str, table: str, alias: str, column: str, keys: str, times: int) -> str:
    """``sql`` reading only the rows of ``table`` (read as ``alias``, ``times`` times) whose
    ``column`` the SQL ``keys`` selects: each reading narrowed in place."""
    narrowed = f"(SELECT * FROM {table} WHERE {column} IN ({keys})) {alias}"
    out, n = re.subn(rf"(?<=\s){table} {alias}(?=\s)", lambda _m: narrowed, sql)
    assert n == times, f"the SQL reads {table} {n} times, not {times}"
    return out


def persons_among(persons: str) -> str:
    """PERSONS_SQL for only the persons in the TEMP table ``persons`` (its ``_k``); it reads
    entities twice (the persons' facts and their status)."""
    return _only(PERSONS_SQL, "entities", "e", "person_id", f"SELECT _k FROM {persons}", times=2)


# A record's row (load/records); RECORDS_SQL writes them in order, a fingerprint hashes them in any.
RECORDS_UNORDERED_SQL = """
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
"""
RECORDS_SQL = RECORDS_UNORDERED_SQL + "ORDER BY e.person_id, p.record_key\n"


def records_among(keys: str) -> str:
    """RECORDS_SQL for only the records whose keys the SQL ``keys`` selects (as ``_k``)."""
    return _only(RECORDS_SQL, "person_records", "p", "record_key", keys, times=1)


# Steps whose changed rows an incremental load computes again for their keys, rather than
# keeping every row while fingerprinting: (the step's SQL without its ORDER BY, to hash;
# keys → the step's SQL for those keys only). A record's row is wide (35 columns, seven
# joins): at 1M, keeping every one took 1.8 s of a 5 %-changed load's comparison, hashing
# them unordered and computing the 5 % again 1.1 s (docs/scale.md).
_RECOMPUTED: dict[str, tuple[str, Callable[[str], str]]] = {
    "load/records": (RECORDS_UNORDERED_SQL, records_among),
}

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

# The divisions, shaped once per load (the Division and PART_OF steps both read them).
_DIVISIONS_TABLE = "g_load_divisions"
# PART_OF rows: only to a parent that is a Division node too (no node, no link), so a
# row's fingerprint says what the graph holds.
PARENTS_SQL = (f"SELECT code, parent_code FROM {_DIVISIONS_TABLE} WHERE parent_code IS NOT NULL "
               f"AND parent_code IN (SELECT code FROM {_DIVISIONS_TABLE}) ORDER BY code")
# What a visit's BY depends on besides its row: whether its contact is a node.
_VISIT_CONTACT_SQL = f"coalesce(contact_id IN (SELECT contact_id FROM {G_CONTACTS}), false)::VARCHAR"
# Where a record's links point (load/records, _record_row): its person, division, school,
# household (hukou and fupin 户) and, for a payment, the paying county.
_RECORD_LINKS_SQL = ("[person_id, division_code, school_id, "
                     "CASE WHEN source IN ('hukou', 'fupin') THEN household_key END, "
                     "CASE WHEN source = 'zizhu' THEN paying_county END]")
_RESPONSIBILITY_COLUMNS = ("row_key", "contact_id", "type", "status", "target_raw", "assignment_id")


@dataclass(frozen=True)
class Step:
    """One step of the load: what it writes, with which named query, keyed how.

    ``source``: the rows' SQL, or ``<attribute>:<label>`` of the target resolution
    (``graph/targets.py``), or ``service_links`` (the 三包 events' CONCERNS rows).
    ``key``: the columns naming one item (node or relationship) of the step.
    ``remove``: the named query deleting the items of removed keys (rows: the key columns);
    ``unlink``: the one deleting a changed item's own links before it is written again.
    ``service``: the officers' 三包 events write these between runs too (``contacts/actions``):
    when the events changed since the last load, the step is written whole.
    ``columns``: a list source's columns; ``depends``: SQL over a row, what else its
    writing depends on (kept in the fingerprint, not written).
    ``create``: the query writing the same rows with CREATE rather than MERGE, for the first
    load into a graph holding none of the load's labels (``load/run_data``); None: the
    MERGE query serves then too (a small step: the look-ups cost little).
    ``links``: SQL over a row, where the links that ``unlink`` deletes point (an incremental
    load keeps a fingerprint of it too, ``<query>#links``): a changed item whose links
    point where they did is not unlinked first, its write MERGEs them and sets their
    properties (a grade, an amount, a relation that changed), so most monthly changes
    cost a write rather than a delete and a write. ``update``: the query writing such an
    item, finding its links from the item itself (no look-ups, no MERGE); without it the
    step's own query writes it.
    ``parallel``: on that first load, the rows (ordered by key) may go to several writers
    at once, batch by batch: each batch's keys are its own, and whatever else its rows
    link to is mostly a dense node (villages, schools, counties) or belongs to the same
    key range; a deadlock between writers is a transient error, and the driver retries
    its batch. False: one writer (e.g. IN, BY, whose rows share a few ends).
    """

    label: str
    query: str
    source: str
    key: tuple[str, ...]
    remove: str
    unlink: str | None = None
    service: bool = False
    columns: tuple[str, ...] = ()
    depends: str | None = None
    create: str | None = None
    parallel: bool = False
    links: str | None = None
    update: str | None = None

    @property
    def name(self) -> str:
        return self.query.split("/")[-1]


# The order matters: nodes before the relationships that MATCH them (and removals, in an
# incremental load, go in the reverse order before any write).
STEPS: tuple[Step, ...] = (
    Step("Division 行政区划", "load/divisions", f"SELECT * FROM {_DIVISIONS_TABLE} ORDER BY code", ("code",),
         "load/remove/divisions", create="load/create/divisions", parallel=True),
    Step("PART_OF 上级区划", "load/division_parents", PARENTS_SQL, ("code",),
         "load/remove/division_parents", unlink="load/remove/division_parents"),
    Step("School 学校", "load/schools", SCHOOLS_SQL, ("school_id",), "load/remove/schools", unlink="load/unlink/schools",
         create="load/create/schools", links="county_code"),
    Step("Person 人员", "load/persons", PERSONS_SQL, ("person_id",), "load/remove/persons",
         create="load/create/persons", parallel=True),
    Step("Household 户", "load/households", HOUSEHOLDS_SQL, ("key",), "load/remove/households",
         create="load/create/households", parallel=True),
    # with each record: HAS_RECORD, REGISTERED_IN, ENROLLED_AT, MEMBER_OF, Payment/PAID_BY
    Step("SourceRecord 源记录", "load/records", RECORDS_SQL, ("record_key",), "load/remove/records",
         unlink="load/unlink/records", create="load/create/records", parallel=True, links=_RECORD_LINKS_SQL,
         update="load/update/records"),
    # G_CONTACTS: CONTACTS_SQL, with the service's registered contacts and status changes (contacts/effective.py)
    Step("Contact 帮扶联系人", "load/contacts", f"SELECT * FROM {G_CONTACTS} ORDER BY contact_id", ("contact_id",),
         "load/remove/contacts", service=True, create="load/create/contacts", parallel=True),
    Step("RESPONSIBLE_FOR 包村", "load/responsible_for_division", "responsibilities:Division", ("row_key", "code"),
         "load/remove/responsible_for_division", unlink="load/remove/responsible_for_division", service=True,
         columns=(*_RESPONSIBILITY_COLUMNS, "code")),
    Step("RESPONSIBLE_FOR 包户", "load/responsible_for_household", "responsibilities:Household", ("row_key", "uid"),
         "load/remove/responsible_for_household", unlink="load/remove/responsible_for_household", service=True,
         columns=(*_RESPONSIBILITY_COLUMNS, "uid")),
    Step("RESPONSIBLE_FOR 包人", "load/responsible_for_person", "responsibilities:Person", ("row_key", "person_id"),
         "load/remove/responsible_for_person", unlink="load/remove/responsible_for_person", service=True,
         columns=(*_RESPONSIBILITY_COLUMNS, "person_id", "repaired")),
    Step("Visit 走访", "load/visits", VISITS_SQL, ("key",), "load/remove/visits", unlink="load/unlink/visits",
         depends=_VISIT_CONTACT_SQL, create="load/create/visits", links=f"[contact_id, {_VISIT_CONTACT_SQL}]"),
    Step("TO 走访对象(人)", "load/visits_to_person", "visit_targets:Person", ("row_key", "person_id"),
         "load/remove/visits_to_person", unlink="load/remove/visits_to_person",
         columns=("row_key", "person_id", "repaired")),
    Step("TO 走访对象(户)", "load/visits_to_household", "visit_targets:Household", ("row_key", "uid"),
         "load/remove/visits_to_household", unlink="load/remove/visits_to_household", columns=("row_key", "uid")),
    # CONCERNS: each 三包 assignment event to what its target is in this run
    Step("CONCERNS 三包事件", "contacts/link_events", "service_links", ("assignment_id", "duty_type", "key"),
         "load/remove/link_events", unlink="load/remove/link_events", service=True,
         columns=("assignment_id", "duty_type", "key")),
)
# Steps whose rows come from resolve_targets (a "<attribute>:<label>" source) rather than SQL.
_TARGET_SOURCE = re.compile(r"^(responsibilities|visit_targets):(\w+)$")
_SERVICE_LINKS = "service_links"

STALE_QUERIES = ("load/remove_stale_relationships", "load/remove_stale_nodes")
# After a load that wrote the service steps whole (the officers' events changed).
SERVICE_STALE_QUERIES = ("load/remove_stale_service_relationships", "load/remove_stale_contacts")
_KEY_SEP = "\x1f"
_FINGERPRINT_FORMAT = "sum(hash(row))"

ProgressFn = Callable[[str, int, int], None]  # (label, rows done, rows total)

FULL, INCREMENTAL = "full", "incremental"


@dataclass
class LoadReport:
    """What one load wrote: its mode (full / incremental, and why full), rows written
    per step, items deleted by key per step (incremental), stale items removed (full),
    unresolved targets."""

    run_id: str
    mode: str = FULL
    reason: str = ""  # why the load was full (Chinese, then English)
    rows: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    service_steps_whole: bool = False  # the officers' 三包 events changed: their steps written whole
    first_load: bool = False  # full, into a graph holding none of the load's labels: CREATE, parallel writers
    writers: int = 1  # writers of the parallel steps (first load)
    bulk: bool = False  # the first load was made by Neo4j's offline importer (graph/bulk_import.py)
    bulk_refused: str = ""  # why a first load was not (Chinese, then English); "" when not considered
    bulk_phases: dict[str, float] = field(default_factory=dict)  # seconds: export … restore, marker
    phases: dict[str, float] = field(default_factory=dict)  # seconds: prepare, compare, delete, write, finish
    unresolved_targets: int = 0
    seconds: float = 0.0
    service: ServiceSummary | None = None  # when the service's 三包 events were merged

    @property
    def written(self) -> int:
        """Rows written plus items deleted: what the load sent to the graph."""
        return sum(self.rows.values()) + sum(self.deleted.values()) + sum(self.removed.values())

    def describe(self) -> str:
        """The load's line on the console and in the run's log (Chinese, then English)."""
        written, deleted = sum(self.rows.values()), sum(self.deleted.values()) + sum(self.removed.values())
        if self.mode == INCREMENTAL:
            line = (f"增量写入图数据库：只写变化的 {written:,} 行，删除 {deleted:,} 项"
                    f"（incremental load: {written:,} rows written, {deleted:,} items deleted）")
            if self.service_steps_whole:
                line += "；三包事件有变动，联系人与包保关系已全部重写（3-bao events changed: contacts rewritten whole）"
            return line
        if self.bulk:
            return (f"全量写入图数据库：{self.reason}；图中尚无本系统数据，用离线批量导入（neo4j-admin）建库 {written:,} 行"
                    f"（full load into a graph without the load's data: {written:,} rows imported offline by "
                    f"neo4j-admin database import）")
        if self.first_load:
            refused = (f"；未用离线批量导入：{self.bulk_refused}" if self.bulk_refused else "")
            return (f"全量写入图数据库：{self.reason}；图中尚无本系统数据，直接创建 {written:,} 行（{self.writers} 路并行）"
                    f"（full load into a graph without the load's data: {written:,} rows created, "
                    f"{self.writers} writer(s)）{refused}")
        return (f"全量写入图数据库：{self.reason}；写入 {written:,} 行，删除过期 {deleted:,} 项"
                f"（full load: {written:,} rows written, {deleted:,} stale items deleted）")


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


def _key_sql(step: Step) -> str:
    return f"concat_ws(chr({ord(_KEY_SEP)}), {', '.join(step.key)})"


def _list_table(con: duckdb.DuckDBPyConnection, name: str, step: Step, rows: list[dict[str, Any]]) -> str:
    """A list source's rows as a TEMP table (its declared columns, then any other, sorted)."""
    extra = sorted({k for row in rows for k in row} - set(step.columns))
    columns = [*step.columns, *extra]
    table = pa.table({c: [row.get(c) for row in rows] for c in columns})
    con.register("g_load_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM g_load_arrow")
    finally:
        con.unregister("g_load_arrow")
    return f"SELECT * FROM {name}"


def _step_sql(con: duckdb.DuckDBPyConnection, i: int, step: Step, targets: TargetResolution,
              links: list[dict[str, Any]]) -> str:
    """The SQL of the step's rows (list sources made TEMP tables first)."""
    target_source = _TARGET_SOURCE.match(step.source)
    if target_source:
        rows = getattr(targets, target_source[1]).get(target_source[2], [])
        sql = _list_table(con, f"g_load_rows_{i}", step, rows)
        if target_source[1] == "responsibilities":  # a row whose contact is no node writes nothing
            sql += f" WHERE contact_id IN (SELECT contact_id FROM {G_CONTACTS})"
        return sql
    if step.source == _SERVICE_LINKS:
        return _list_table(con, f"g_load_rows_{i}", step, links)
    return step.source


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str, step: Step, sql: str, rows: str | None = None) -> None:
    """``table`` (TEMP): the step's keys and a fingerprint of all their rows (a key may have
    several): the sum of the rows' 64-bit DuckDB hashes (of every column, and ``depends``),
    ``_fp``; for a step with ``links``, that of where its links point too, ``_lfp``.

    ``rows``: also keep the step's rows, each with its key ``_k`` and hashes, as that
    TEMP table, and fingerprint from it (an incremental load: its changed rows are then
    read from there, ``_changed_rows``, not by running the step's SQL over every row again;
    a bulk first load: the importer's files are written from there, ``_kept_sql``)."""
    depends = f", {step.depends}" if step.depends else ""
    links = f", hash({step.links}) AS _l" if step.links else ""
    hashed = f"SELECT {'q.*, ' if rows else ''}{_key_sql(step)} AS _k, hash(q{depends}) AS _h{links} FROM ({sql}) q"
    if rows is not None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {rows} AS {hashed}")
        hashed = f"SELECT * FROM {rows}"
    lfp = ", sum(_l::HUGEINT)::VARCHAR AS _lfp" if step.links else ""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
                    SELECT _k, sum(_h::HUGEINT)::VARCHAR AS _fp{lfp} FROM ({hashed}) GROUP BY _k""")


def _changed_rows(step: Step, rows: str, diff: str, where: str = "change <> 'removed'") -> str:
    """SQL: the rows of a step whose keys ``where`` selects in ``diff`` (default: the new
    and changed ones), in the step's order: those kept by ``_fingerprint`` (``rows``), or,
    for a step in ``_RECOMPUTED``, its SQL for those keys."""
    keys = f"SELECT _k FROM {diff} WHERE {where}"
    if step.query in _RECOMPUTED:
        return _RECOMPUTED[step.query][1](keys)
    return _kept_sql(step, rows, f"WHERE _k IN ({keys})")


def _kept_sql(step: Step, rows: str, where: str = "") -> str:
    """SQL: the step's rows kept by ``_fingerprint`` in ``rows`` (those ``where`` selects), as
    the step's SQL gives them, in its order."""
    return f"SELECT * EXCLUDE (_k, _h{', _l' if step.links else ''}) FROM {rows} {where} ORDER BY rowid"


def _kept_rows(i: int) -> str:
    """The TEMP table of step ``i``'s rows kept by ``_fingerprint`` (an incremental load)."""
    return f"g_load_rows_kept_{i}"


def _links_fp(i: int) -> str:
    """The TEMP view of step ``i``'s fingerprints of where its links point (``_lfp``)."""
    return f"g_load_lfp_{i}"


def _links_name(step: Step) -> str:
    """The workspace's name for the fingerprints of where a step's links point."""
    return f"{step.query}#links"


def _load_version(store: GraphStore) -> str:
    """What the fingerprints mean: the steps (SQL, keys, queries) and their queries' Cypher.
    Another version (an upgrade that writes differently) makes the next load full."""
    text = repr((_FINGERPRINT_FORMAT, STEPS)) + "".join(
        store.cypher(s.query) + (store.cypher(s.create) if s.create else "") for s in STEPS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _full_reason(state: LoadState | None, markers: list[dict[str, Any]], version: str) -> str | None:
    """Why the workspace's fingerprints cannot be trusted (Chinese, then English), or None."""
    if state is None:
        return "没有工作区的写入记录（no workspace load state kept）"
    token, service = state.meta()
    if token is not None and not (service or "").startswith(version + "|"):
        return "程序的写入方式已更新（the load's steps or queries changed since the last load）"
    if token is None:
        return "工作区没有上次完整写入的记录，首次写入或新的工作区（no completed load recorded in the workspace）"
    graph_tokens = [m["marker"].get("token") for m in markers]
    if not graph_tokens:
        return ("图数据库中没有上次完整写入的标记：图数据库被清空、从备份恢复，或上次写入中断"
                "（no load marker in the graph: cleared, restored from a backup, or the last load was interrupted）")
    if graph_tokens != [token]:
        return ("图数据库的写入标记与工作区的记录不一致：另一工作区或程序写过它，或它从备份恢复"
                "（the graph's load marker differs from the workspace's: another writer, or a restored backup）")
    return None


def load_graph(
    con: duckdb.DuckDBPyConnection,
    store: GraphStore,
    *,
    run_id: str,
    batch_size: int | None = None,
    on_progress: ProgressFn | None = None,
    service: ServiceEvents | None = None,
    state: Path | None = None,
    writers: int = 1,
    settings: Settings | None = None,
) -> LoadReport:
    """Write the workspace of ``con`` into the graph of ``store`` (a ``GraphStore``).

    ``state``: the workspace's record of what the graph holds (``Settings.paths.graph_load``,
    ``graph/load_state.py``). When it and the graph's load marker agree, only the items that
    changed since the last load are written and the removed ones deleted (incremental);
    otherwise, or without ``state``, everything is written and what carries an older
    ``run_id`` removed (full). ``on_progress(label, done, total)`` is called after every
    batch. ``service``: the officers' 三包 events (``contacts.effective.ServiceStatements``),
    merged into the bundle's contacts before they are written. Returns what was written.

    A full load into a graph that holds no node of the load's labels (``load/run_data``:
    a first load, or one after the graph was cleared) writes with the steps' CREATE
    queries (``Step.create``), the ``parallel`` steps by ``writers`` sessions at once, and
    has nothing stale to remove: the same graph as the MERGE queries write, sooner. An
    incremental load writes its items changed in place (``Step.update``) by ``writers``
    sessions too: each is its own node and links, so the writers share no lock.
    With ``settings`` (the run's), such a first load into the workspace's own local server
    whose graph holds nothing but this run's Run node is made by Neo4j's offline importer
    instead (``graph/bulk_import.py``; ``Settings.graph_bulk_import``): the same graph again,
    and the report says why when it was not (``LoadReport.bulk_refused``).
    """
    started = time.perf_counter()
    report = LoadReport(run_id=run_id)
    clock = [started]

    def phase(name: str) -> None:
        now = time.perf_counter()
        report.phases[name] = report.phases.get(name, 0.0) + now - clock[0]
        clock[0] = now

    targets = resolve_targets(con)
    report.unresolved_targets = targets.unresolved
    con.execute(f"CREATE OR REPLACE TEMP TABLE {G_CONTACTS} AS {CONTACTS_SQL}")
    if service is not None:
        report.service = service.apply(con, targets)
    links = service.link_rows() if service is not None else []
    service_token = _load_version(store) + "|" + (service.token() if service is not None else "")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_DIVISIONS_TABLE} AS {DIVISIONS_SQL}")

    kept = LoadState(con, state) if state is not None else None
    try:
        reason = _full_reason(kept, store.query("load/marker"), service_token.split("|")[0])
        report.mode = FULL if reason else INCREMENTAL
        report.reason = reason or ""
        # Checked after the marker: a graph with run data but no marker is a MERGE load.
        report.first_load = report.mode == FULL and not store.query("load/run_data")[0]["present"]
        report.writers = max(1, writers) if report.first_load else 1
        if report.first_load and settings is not None:
            report.bulk_refused = bulk_import.refusal(settings, store, run_id) or ""
            report.bulk = not report.bulk_refused
        report.service_steps_whole = bool(
            kept is not None and report.mode == INCREMENTAL and kept.meta()[1] != service_token)
        phase("prepare")
        plans = []
        moved: dict[int, str | None] = {}  # step: TEMP table of the keys whose links differ (None: written whole)
        inputs = _person_inputs(con, kept if report.mode == INCREMENTAL else None)
        for i, step in enumerate(STEPS):
            sql = _step_sql(con, i, step, targets, links)
            fp = f"g_load_fp_{i}"
            whole = report.mode == FULL or (step.service and report.service_steps_whole)
            among = None  # the persons whose rows are computed (None: everyone)
            if step.query == "load/persons" and not whole and inputs.changed is not None:
                sql, among = persons_among(inputs.changed), inputs.changed
            # A step compared key by key keeps its rows for writing the changed ones, and a
            # bulk first load every step's, for the importer's files: each step's SQL runs once.
            if report.bulk:
                _fingerprint(con, fp, step, sql, rows=_kept_rows(i))
            elif step.query in _RECOMPUTED:  # hashed unordered; its changed rows computed again to write
                _fingerprint(con, fp, step, _RECOMPUTED[step.query][0])
            else:
                _fingerprint(con, fp, step, sql, rows=None if whole else _kept_rows(i))
            plans.append((step, sql, fp,
                          None if whole else _diff(con, f"g_load_diff_{i}", fp, kept, step.query, among=among)))
            if step.links:  # where its links point, kept as a step of its own
                con.execute(f"CREATE OR REPLACE TEMP VIEW {_links_fp(i)} AS SELECT _k, _lfp AS _fp FROM {fp}")
                moved[i] = None if whole else _diff(con, f"g_load_ldiff_{i}", _links_fp(i), kept,
                                                    _links_name(step))
        phase("compare")
        differs = {diff: con.execute(f"SELECT count(*) FROM {diff}").fetchone()[0]
                   for _step, _sql, _fp, diff in plans if diff is not None}
        if report.mode == INCREMENTAL and not report.service_steps_whole and not any(differs.values()):
            # the graph holds exactly this workspace already: nothing to write, not even the marker
            report.rows = {step.label: 0 for step in STEPS}
            return report
        # From here on the graph differs from the workspace's record until the new marker is written.
        store.query("load/marker_clear")
        if report.mode == INCREMENTAL:
            for i, (step, _sql, _fp, diff) in reversed(list(enumerate(plans))):
                if diff is not None:
                    report.deleted[step.label] = (_delete(con, store, step, diff, batch_size, moved.get(i))
                                                  if differs[diff] else 0)
        phase("delete")
        if report.bulk:
            assert settings is not None
            try:
                _bulk_write(con, store, settings, run_id, plans, report, on_progress)
            except bulk_import.BulkFailed as exc:  # the graph is as it was: write through Bolt
                report.bulk, report.bulk_refused = False, str(exc)
        for i, (step, sql, _fp, diff) in enumerate([] if report.bulk else plans):
            changed_rows = None  # the TEMP table of the new and changed rows (an incremental step)
            updated = 0  # changed items whose links point where they did, written by the step's update query
            if diff is not None:
                kept_rows = _kept_rows(i)
                written = "change <> 'removed'"
                if step.update and moved.get(i) and differs[diff]:
                    in_place = f"change = 'changed' AND _k NOT IN (SELECT _k FROM {moved[i]})"
                    con.execute(f"CREATE OR REPLACE TEMP TABLE g_load_update_{i} AS "
                                f"{_changed_rows(step, kept_rows, diff, in_place)}")
                    updated = _write(con, store, step, f"SELECT * FROM g_load_update_{i}", run_id, batch_size,
                                     on_progress, query=step.update, label=f"{step.label}（更新 update）",
                                     workers=max(1, writers))
                    con.execute(f"DROP TABLE g_load_update_{i}")
                    written = f"change = 'new' OR (change = 'changed' AND _k IN (SELECT _k FROM {moved[i]}))"
                if differs[diff] and con.execute(f"SELECT count(*) FROM {diff} WHERE {written}").fetchone()[0]:
                    # The new and changed rows (a few % of the step), from the rows kept while
                    # fingerprinting (or computed for their keys alone, _RECOMPUTED): counted and
                    # streamed from there, the step's SQL is not run again over every row.
                    changed_rows = f"g_load_write_{i}"
                    con.execute(f"CREATE OR REPLACE TEMP TABLE {changed_rows} AS "
                                f"{_changed_rows(step, kept_rows, diff, written)}")
                    sql = f"SELECT * FROM {changed_rows}"
                con.execute(f"DROP TABLE IF EXISTS {kept_rows}")  # the whole step's rows: memory, freed at once
                if changed_rows is None:
                    report.rows[step.label] = updated  # nothing new or moved
                    continue
            if report.first_load:
                report.rows[step.label] = _write(con, store, step, sql, run_id, batch_size, on_progress,
                                                 query=step.create or step.query,
                                                 workers=report.writers if step.parallel else 1)
            else:
                report.rows[step.label] = updated + _write(con, store, step, sql, run_id, batch_size, on_progress)
            if changed_rows:
                con.execute(f"DROP TABLE {changed_rows}")
        phase("write")
        store.query("load/contact_counties")  # who may act on each contact (its county)
        if report.written >= REPLAN_MIN_ROWS:  # the checks that follow plan on what the graph now holds
            store.replan()
        if report.first_load:  # the graph held none of the load's labels: nothing is older
            report.removed = {query.split("/")[-1]: 0 for query in STALE_QUERIES}
        elif report.mode == FULL:
            report.removed = remove_stale(store, run_id)
        elif report.service_steps_whole:
            report.removed = remove_stale(store, run_id, queries=SERVICE_STALE_QUERIES)
        # Last: the marker, then (only once it is written) the workspace's record.
        token = f"{run_id}:{uuid.uuid4().hex}"
        store.query("load/marker_set", token=token, run_id=run_id, mode=report.mode,
                    at=dt.datetime.now(dt.UTC).isoformat())
        if kept is not None:
            kept.save([(step.query, fp, diff) for step, _sql, fp, diff in plans]
                      + [(_links_name(plans[i][0]), _links_fp(i), diff) for i, diff in moved.items()]
                      + inputs.kept(con, token),
                      token=token, service=service_token, run_id=run_id)
        if report.bulk:
            report.bulk_phases["marker"] = time.perf_counter() - clock[0]
    finally:
        for i in range(len(STEPS)):  # rows kept for a step not written (nothing to write, no file, or a failure)
            con.execute(f"DROP TABLE IF EXISTS {_kept_rows(i)}")
        if kept is not None:
            kept.close()
        phase("finish")
        report.seconds = time.perf_counter() - started
    return report


def _bulk_write(con: duckdb.DuckDBPyConnection, store: GraphStore, settings: Settings, run_id: str,
                plans: list[tuple[Step, str, str, str | None]], report: LoadReport,
                on_progress: ProgressFn | None) -> None:
    """The first load's writes by the offline importer; the rows of each step counted as
    the Bolt load counts them."""
    label = "离线批量导入 bulk import"
    phases = ("export", "import", "stop", "start", "schema", "restore")

    def tick(name: str) -> None:
        if on_progress:
            on_progress(label, phases.index(name) + 1, len(phases))

    if on_progress:
        on_progress(label, 0, len(phases))
    # each step's rows as kept while fingerprinting (load_graph), freed once the export holds them
    tables = {step.query: _kept_rows(i) for i, (step, _sql, _fp, _d) in enumerate(plans)}
    kept = {step.query: _kept_sql(step, tables[step.query]) for step, _sql, _fp, _d in plans}
    done = bulk_import.import_first_load(con, store, settings, run_id, kept, on_phase=tick,
                                         shaped=lambda q: con.execute(f"DROP TABLE {tables[q]}"))
    report.bulk_phases = dict(done.phases)
    report.rows = {step.label: done.rows[step.query] if step.query in done.rows else _count(con, kept[step.query])
                   for step, _sql, _fp, _diff in plans}


def _diff(con: duckdb.DuckDBPyConnection, table: str, fp: str, kept: LoadState | None, name: str,
          among: str | None = None) -> str:
    """TEMP ``table`` of the new, changed and removed keys of ``fp`` against the workspace's
    record of ``name`` (a step's query, or ``_links_name``). ``among``: ``fp`` holds only the
    keys of that TEMP table (its ``_k``), and only they are compared."""
    assert kept is not None
    old = kept.old(name) if among is None else f"(SELECT * FROM {kept.old(name)} WHERE k IN (SELECT _k FROM {among}))"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT coalesce(n._k, o.k) AS _k,
                   CASE WHEN o.k IS NULL THEN 'new' WHEN n._k IS NULL THEN 'removed' ELSE 'changed' END AS change
            FROM {fp} n FULL JOIN {old} o ON n._k = o.k
            WHERE n._fp IS DISTINCT FROM o.fp"""
    )
    return table


@dataclass(frozen=True)
class PersonInputs:
    """The persons' inputs (``PERSON_INPUTS_SQL``, ``PERSONS_SHARED_SQL``) as TEMP tables of
    ``_k, _fp``; ``diff``: the persons whose inputs differ from the workspace's record (None:
    not compared: a full load, or a record that cannot be trusted); ``changed``: the TEMP
    table of the persons whose rows must be computed again, or None when every person's must
    (no such record, or the shared inputs changed: a new term's manifest, a school's county)."""

    fingerprints: str
    shared: str
    diff: str | None = None
    changed: str | None = None

    def kept(self, con: duckdb.DuckDBPyConnection, token: str) -> list[tuple[str, str, str | None]]:
        """What ``LoadState.save`` keeps of them, as of the load ``token``: the shared inputs
        carry the token (``_INPUTS_TOKEN``), so that a record another version of the program
        left behind (one that keeps no persons' inputs, and saved its own load since) is
        known for stale, and not trusted."""
        con.execute(f"DELETE FROM {self.shared} WHERE _k = '{_INPUTS_TOKEN}'")
        con.execute(f"INSERT INTO {self.shared} VALUES ('{_INPUTS_TOKEN}', ?)", [token])
        return [(_PERSON_INPUTS, self.fingerprints, self.diff), (_PERSONS_SHARED, self.shared, None)]


_INPUTS_TOKEN = "token"  # the row of _PERSONS_SHARED naming the load its record belongs to


def _person_inputs(con: duckdb.DuckDBPyConnection, kept: LoadState | None) -> PersonInputs:
    """Fingerprint the persons' inputs and, with ``kept`` (an incremental load), compare them
    with the workspace's record when that record belongs to the last load."""
    fps, shared = "g_load_fp_person_inputs", "g_load_fp_persons_shared"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {fps} AS {PERSON_INPUTS_SQL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {shared} AS {PERSONS_SHARED_SQL}")
    if kept is None:
        return PersonInputs(fps, shared)
    recorded = dict(con.execute(f"SELECT k, fp FROM {kept.old(_PERSONS_SHARED)}").fetchall())
    if recorded.get(_INPUTS_TOKEN) is None or recorded[_INPUTS_TOKEN] != kept.meta()[0]:
        return PersonInputs(fps, shared)  # no record of them for the last load: every person, kept whole
    diff = _diff(con, "g_load_diff_person_inputs", fps, kept, _PERSON_INPUTS)
    same = recorded.get("*") == con.execute(f"SELECT _fp FROM {shared} WHERE _k = '*'").fetchone()[0]
    return PersonInputs(fps, shared, diff, diff if same else None)


def _delete(con: duckdb.DuckDBPyConnection, store: GraphStore, step: Step, diff: str,
            batch_size: int | None, moved: str | None = None) -> int:
    """Delete the items of the step's removed keys, and a changed item's own links (with
    ``moved``, the step's ``links`` diff: only where they point elsewhere now)."""

    def rows(where: str) -> list[dict[str, Any]]:
        keys = con.execute(f"SELECT _k FROM {diff} WHERE {where} ORDER BY _k").fetchall()
        return [dict(zip(step.key, k.split(_KEY_SEP), strict=True)) for (k,) in keys]

    deleted = 0
    if step.unlink == step.remove:  # a relationship: delete it, a changed one is written again
        deleted += store.write_rows(step.remove, rows("change <> 'new'"), batch_size=batch_size)
        return deleted
    if step.unlink:
        relinked = f" AND _k IN (SELECT _k FROM {moved})" if moved else ""
        store.write_rows(step.unlink, rows(f"change = 'changed'{relinked}"), batch_size=batch_size)
    deleted += store.write_rows(step.remove, rows("change = 'removed'"), batch_size=batch_size)
    return deleted


def _write(con: duckdb.DuckDBPyConnection, store: GraphStore, step: Step, sql: str, run_id: str,
           batch_size: int | None, on_progress: ProgressFn | None, *, query: str | None = None,
           workers: int = 1, label: str | None = None) -> int:
    """Write the rows of ``sql`` with ``query`` (default: the step's), by ``workers``
    sessions at once (consecutive batches: disjoint key ranges); the number of rows.
    ``label``: what the progress says (default: the step's)."""
    total = _count(con, sql)
    done = 0
    label = label or step.label
    if on_progress:
        on_progress(label, 0, total)

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if on_progress:
            on_progress(label, min(done, total), total)

    def rows() -> Iterator[dict[str, Any]]:  # one stream, so parallel writers never drain between chunks
        for chunk in _rows(con, sql):
            for row in chunk:
                row["run_id"] = run_id
            if step.query == "load/records":
                chunk = [_record_row(row) for row in chunk]
            yield from chunk

    store.write_rows(query or step.query, rows(), batch_size=batch_size, on_batch=tick, workers=workers)
    return done


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


def remove_stale(store: GraphStore, run_id: str, limit: int = 20_000,
                 queries: tuple[str, ...] = STALE_QUERIES) -> dict[str, int]:
    """Delete what an earlier run wrote and this one did not (relationships, then nodes)."""
    removed: dict[str, int] = {}
    for query in queries:
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
