"""The first load through Neo4j's offline importer, for the workspace's own local server.

``neo4j-admin database import full`` builds a database from Parquet files far faster than
any write through Bolt (docs/scale.md). It builds the database anew, so graph/load.py uses
it only for a first load (``LoadReport.first_load``) when ``Settings.graph_bulk_import`` is
``auto``, the graph is the workspace's own local server (graph/server.py), and the graph
holds nothing but this run's Run node (``load/bulk/holdings``): never over an officer's
User, a case, an event. Otherwise, or when the import fails, the load writes through Bolt
as before, and its report says why (:func:`refusal`).

What it does, in phases (the seconds of each are returned):

- ``export``: DuckDB writes one Parquet file per node label and relationship type, columns
  named as the importer's header (``birth_date:date``, ``sources:string[]`` …), from the very rows and columns the
  Bolt load writes (its steps' SQL, ``load.STEPS``): the same properties with the same
  types, ``run_id`` on every node and relationship, a relationship only where both its
  ends are nodes (the Bolt queries MATCH them), one per MERGE key where Bolt MERGEs.
- ``import``: the importer (``org.neo4j.cli.AdminTool`` on the server's classpath) builds
  the database in a scratch home under ``<workspace>/neo4j/bulk/`` while the server runs
  on; a failure here leaves the graph as it was.
- ``stop``, ``start``: the server stops, the new database's store and transaction
  directories take the old one's place, the server starts; the store reconnects.
- ``schema``: the constraints and indexes, as every run applies them (``init_schema``). The
  importer cannot build them: ``--schema`` is refused by Community's record-format importer
  ("Record format batch import does not support schema changes", 2026.08.1); only the block
  format (Enterprise) takes it.
- ``restore``: what the files cannot say: the Run node (read before, written again with
  its dates) and empty texts, which the importer's Parquet reader drops (carried as
  ``EMPTY_TEXT``, made '' by ``load/bulk/empty_texts``, run only for a label or type that
  has one). An empty list is a Parquet list read as [] (CSV could not carry one: every
  record's empty ``warnings`` had to be set afterwards, 19 s at 1M records).

graph/load.py then writes the contacts' counties, the load marker and the workspace's
fingerprints exactly as after a Bolt load, so the next run's diff works. The files
and the old database are deleted at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from notoneless.config import Settings
from notoneless.errors import GraphError
from notoneless.graph import server
from notoneless.graph.store import GraphStore

ADMIN_TOOL = "org.neo4j.cli.AdminTool"
DATABASE = "neo4j"  # the local server's one user database
ARRAY_DELIMITER = "\x1f"  # U+001F, in no value of the bundle's
# An empty text, which the importer's Parquet reader drops (no property): this one
# character instead, made '' again after the import (load/bulk/empty_texts*).
EMPTY_TEXT = "\x1e"
BULK_DIR = "bulk"  # under <workspace>/neo4j/: the Parquet files and the scratch home, while importing


class BulkFailed(GraphError):
    """The offline import did not happen and the graph is as it was: load through Bolt."""


@dataclass(frozen=True)
class NodeFile:
    """One node file: the rows of a load step (its write query's name), one node each."""

    label: str  # the label, and the importer's ID space
    key: str  # the key property: the node's ID
    step: str
    labels_sql: str | None = None  # SQL over a row: its labels (a list), when it may have more
    drop: tuple[str, ...] = ()  # columns of the step's rows that are no property


@dataclass(frozen=True)
class RelFile:
    """One relationship file: from the rows of a load step, start and end by their keys."""

    type: str
    step: str
    start: tuple[str, str]  # (label, SQL of its key over a row)
    end: tuple[str, str]
    props: tuple[tuple[str, str], ...] = ()  # (property, column of the row)
    where: str = "true"
    # Bolt MERGEs these (graph_schema/queries/load/*.cypher): one relationship per ends and
    # these properties, the last row's values winning; None: Bolt CREATEs one per row.
    merge_on: tuple[str, ...] | None = None


_RESPONSIBLE = (("row_key", "row_key"), ("type", "type"), ("status", "status"), ("target_raw", "target_raw"),
                ("assignment_id", "assignment_id"))

# What the Bolt load's queries write (graph_schema/queries/load/, load/create/): keep in step.
NODES: tuple[NodeFile, ...] = (
    NodeFile("Division", "code", "load/divisions"),
    NodeFile("School", "school_id", "load/schools"),
    NodeFile("Person", "person_id", "load/persons"),
    NodeFile("Household", "key", "load/households"),
    NodeFile("SourceRecord", "record_key", "load/records", drop=("person_id",),
             labels_sql="CASE WHEN source = 'zizhu' THEN ['SourceRecord', 'Payment'] ELSE ['SourceRecord'] END"),
    NodeFile("Contact", "contact_id", "load/contacts"),
    NodeFile("Visit", "key", "load/visits"),
)
RELATIONSHIPS: tuple[RelFile, ...] = (
    RelFile("PART_OF", "load/division_parents", ("Division", "code"), ("Division", "parent_code"), merge_on=()),
    RelFile("IN", "load/schools", ("School", "school_id"), ("Division", "county_code")),
    RelFile("HAS_RECORD", "load/records", ("Person", "person_id"), ("SourceRecord", "record_key")),
    RelFile("REGISTERED_IN", "load/records", ("SourceRecord", "record_key"), ("Division", "division_code"),
            (("status", "hukou_status"),)),
    RelFile("ENROLLED_AT", "load/records", ("SourceRecord", "record_key"), ("School", "school_id"),
            (("status", "enrol_status"), ("grade", "grade"))),
    RelFile("MEMBER_OF", "load/records", ("SourceRecord", "record_key"), ("Household", "source || ':' || household_key"),
            (("relation", "relation"),), where="household_key <> '' AND source IN ('hukou', 'fupin')"),
    RelFile("PAID_BY", "load/records", ("SourceRecord", "record_key"), ("Division", "paying_county"),
            where="source = 'zizhu'"),
    RelFile("RESPONSIBLE_FOR", "load/responsible_for_division", ("Contact", "contact_id"), ("Division", "code"),
            _RESPONSIBLE, merge_on=("row_key",)),
    RelFile("RESPONSIBLE_FOR", "load/responsible_for_household", ("Contact", "contact_id"), ("Household", "uid"),
            _RESPONSIBLE, merge_on=("row_key",)),
    RelFile("RESPONSIBLE_FOR", "load/responsible_for_person", ("Contact", "contact_id"), ("Person", "person_id"),
            (*_RESPONSIBLE, ("repaired", "repaired")), merge_on=("row_key",)),
    RelFile("BY", "load/visits", ("Visit", "key"), ("Contact", "contact_id")),
    RelFile("TO", "load/visits_to_person", ("Visit", "row_key"), ("Person", "person_id"),
            (("repaired", "repaired"),), merge_on=()),
    RelFile("TO", "load/visits_to_household", ("Visit", "row_key"), ("Household", "uid"), merge_on=()),
)
# Steps whose rows the import leaves out: the 三包 events' CONCERNS link ContactAssignment
# nodes, which a graph fit for the import does not hold (the Bolt query MATCHes none either).
SKIPPED_STEPS = ("contacts/link_events",)

# DuckDB column type: the importer's property type (Neo4j's type of the value the driver sends).
_TYPES = {
    "VARCHAR": "string", "BOOLEAN": "boolean", "DOUBLE": "double", "FLOAT": "double", "DATE": "date",
    "BIGINT": "long", "INTEGER": "long", "SMALLINT": "long", "TINYINT": "long",
    "UINTEGER": "long", "USMALLINT": "long", "UTINYINT": "long", '"NULL"': "string", "NULL": "string",
}
# The importer's property type: the DuckDB type a value is written as (what Bolt sends:
# a Python int is a long, a float a double).
_CASTS = {"boolean": "BOOLEAN", "double": "DOUBLE", "date": "DATE", "long": "BIGINT"}


@dataclass(frozen=True)
class Blanks:
    """The properties of a label (or a relationship type) that hold an empty text somewhere."""

    name: str
    properties: tuple[str, ...]
    relationship: bool = False


@dataclass
class BulkResult:
    phases: dict[str, float] = field(default_factory=dict)  # seconds: export, import, stop, start, schema, restore
    nodes: int = 0
    relationships: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows of each step (its write query) exported


def refusal(settings: Settings, store: GraphStore, run_id: str) -> str | None:
    """Why the offline importer may not make this first load (Chinese, then English), or None."""
    if settings.graph_bulk_import == "off":
        return "离线批量导入已关闭（bulk import off: NOTONELESS_GRAPH_BULK_IMPORT=off）"
    running = server.status(settings) if settings.local_graph else None
    if not store.local or running is None or not running.running or running.uri != store.uri:
        return "图数据库不是本工作区的本地服务器，离线批量导入不可用（the graph is not the workspace's own local server）"
    held = store.query("load/bulk/holdings", run_id=run_id)
    if held:
        what = "，".join(f"{row['held'].lstrip(':')} {row['nodes']:,} 个" for row in held[:5])
        return (f"图中已有本次比对以外的数据（{what}），离线批量导入会重建数据库，故不用"
                f"（the graph holds more than this run's Run node: {what}）")
    return None


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {table}").fetchall()]


def _typed(name: str, column_type: str, where: str) -> tuple[str, str]:
    """(header, SQL of the value) of one property; refuses a type not known to round-trip.
    A list stays a Parquet list (an empty one is read as []); an empty text is written as
    ``EMPTY_TEXT``, which the importer does not drop (made '' again after the import)."""
    element = column_type[:-2] if column_type.endswith("[]") else None
    neo = _TYPES.get(element or column_type)
    if neo is None or (element and element != "VARCHAR"):
        raise BulkFailed(f"离线导入不支持 {where}.{name} 的类型 {column_type}（bulk import: unsupported column type "
                         f"{column_type} of {where}.{name}）")
    col = _ident(name)
    if element:
        # written as an optional column: the importer (2026.08.1) reads a list column that
        # DuckDB marks REQUIRED (its source NOT NULL) as no property at all
        return f"{name}:{neo}[]", f"CASE WHEN {col} IS NULL THEN NULL ELSE {col} END"
    if neo == "string":
        return name, f"CASE WHEN {col} = '' THEN chr({ord(EMPTY_TEXT)}) ELSE CAST({col} AS VARCHAR) END"
    return f"{name}:{neo}", f"CAST({col} AS {_CASTS[neo]})"


def _empty_texts(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, ...]:
    """The text properties of the written file ``path`` that hold ``EMPTY_TEXT`` somewhere
    (a text property's column is named as the property; IDs, labels and ``run_id`` are not
    written through ``_typed``). Read from the file, not from the rows' SQL again."""
    source = f"read_parquet({_sql_str(str(path))})"
    texts = [name for name, column_type in _columns(con, f"SELECT * FROM {source}")
             if column_type == "VARCHAR" and ":" not in name and name != "run_id"]
    if not texts:
        return ()
    counted = ", ".join(f"count(*) FILTER (WHERE {_ident(n)} = chr({ord(EMPTY_TEXT)}))" for n in texts)
    counts = con.execute(f"SELECT {counted} FROM {source}").fetchone()
    return tuple(name for name, n in zip(texts, counts, strict=True) if n)


def _export(con: duckdb.DuckDBPyConnection, step_sql: Mapping[str, str], run_id: str, out: Path,
            result: BulkResult, shaped: Callable[[str], None] | None = None) -> tuple[list[str], list[Blanks]]:
    """Write the Parquet files; the importer's --nodes/--relationships arguments, and what
    holds an empty text (written as ``EMPTY_TEXT``, made '' after the import).
    Each step's rows are shaped once, into a TEMP table (``_n``: their order); then
    ``shaped(step)`` is called (the caller may free what its SQL read)."""
    args: list[str] = []
    blanks: list[Blanks] = []
    run = _sql_str(run_id)
    rows: dict[str, str] = {}
    for i, step in enumerate(dict.fromkeys([n.step for n in NODES] + [r.step for r in RELATIONSHIPS])):
        rows[step] = f"g_bulk_rows_{i}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {rows[step]} AS "
                    f"SELECT *, row_number() OVER () AS _n FROM ({step_sql[step]})")
        result.rows[step] = con.execute(f"SELECT count(*) FROM {rows[step]}").fetchone()[0]
        if shaped:
            shaped(step)
    for node in NODES:
        table = rows[node.step]
        columns = [(n, t) for n, t in _columns(con, table) if n not in (*node.drop, "run_id", "_n")]
        if dict(columns).get(node.key) != "VARCHAR":
            raise BulkFailed(f"离线导入需要字符型键 {node.label}.{node.key}（bulk import: the key must be text）")
        con.execute(f"CREATE OR REPLACE TEMP TABLE g_bulk_keys_{node.label} AS "
                    f"SELECT DISTINCT {_ident(node.key)} AS k FROM {table}")
        select = [f"{_ident(node.key)} AS {_ident(f'{node.key}:ID({node.label})')}"]
        if node.labels_sql:
            select.append(f"array_to_string({node.labels_sql}, chr({ord(ARRAY_DELIMITER)})) AS \":LABEL\"")
        for name, column_type in columns:
            if name != node.key:
                header, value = _typed(name, column_type, node.label)
                select.append(f"{value} AS {_ident(header)}")
        select.append(f"{run} AS run_id")
        path = out / f"node_{node.label}.parquet"
        result.nodes += _copy(con, f"SELECT {', '.join(select)} FROM {table} ORDER BY _n", path)
        if blank := _empty_texts(con, path):
            blanks.append(Blanks(node.label, blank))
        args.append(f"--nodes={path}" if node.labels_sql else f"--nodes={node.label}={path}")
    for i, rel in enumerate(RELATIONSHIPS):
        table = rows[rel.step]
        types = dict(_columns(con, table))
        select = [f"_s AS {_ident(f':START_ID({rel.start[0]})')}", f"_e AS {_ident(f':END_ID({rel.end[0]})')}"]
        for prop, column in rel.props:
            header, value = _typed(column, types[column], rel.type)
            select.append(f"{value} AS {_ident(prop + header[len(column):])}")
        select.append(f"{run} AS run_id")
        ends = (f"_s IN (SELECT k FROM g_bulk_keys_{rel.start[0]}) AND _e IN (SELECT k FROM g_bulk_keys_{rel.end[0]})")
        merge = ""
        if rel.merge_on is not None:  # MERGE: one per key, the last row's values (its SET ran last)
            merge = (f"QUALIFY row_number() OVER (PARTITION BY _s, _e{''.join(', ' + _ident(c) for c in rel.merge_on)} "
                     "ORDER BY _n DESC) = 1")
        picked = (f"SELECT * FROM (SELECT *, {rel.start[1]} AS _s, {rel.end[1]} AS _e FROM {table} "
                  f"WHERE {rel.where}) WHERE {ends} {merge}")
        path = out / f"rel_{i:02d}_{rel.type}.parquet"
        result.relationships += _copy(con, f"SELECT {', '.join(select)} FROM ({picked}) ORDER BY _n", path)
        if blank := _empty_texts(con, path):
            blanks.append(Blanks(rel.type, blank, relationship=True))
        args.append(f"--relationships={rel.type}={path}")
    for table in [*rows.values(), *(f"g_bulk_keys_{node.label}" for node in NODES)]:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return args, _merged(blanks)


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> int:
    """Write the rows of ``select`` to the Parquet file ``path``; their number."""
    return con.execute(f"COPY ({select}) TO {_sql_str(str(path))} (FORMAT parquet)").fetchone()[0]


def _merged(blanks: list[Blanks]) -> list[Blanks]:
    """One entry per label or relationship type (several relationship files share a type)."""
    merged: dict[tuple[str, bool], list[str]] = {}
    for b in blanks:
        merged.setdefault((b.name, b.relationship), []).extend(b.properties)
    return [Blanks(name, tuple(dict.fromkeys(props)), relationship=rel) for (name, rel), props in merged.items()]


def _store_dirs(home: Path) -> tuple[Path, Path]:
    """The database's store and transaction-log directories under a Neo4j home."""
    data = home / "data"
    return data / "databases" / DATABASE, data / "transactions" / DATABASE


def _run_importer(settings: Settings, work: Path, files: list[str]) -> Path:
    """Build the database in the scratch home ``work/home``; its Neo4j home."""
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    (home / "conf").mkdir(parents=True)
    memory = settings.graph_bulk_import_memory
    args = ["database", "import", "full", DATABASE, "--overwrite-destination", "--path-pattern-style=none",
            "--input-type=parquet", f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            f"--max-off-heap-memory={memory}", f"--report-file={work / 'import.report'}", *files]
    log = work / "import.log"
    try:
        command = server.tool_command(settings, ADMIN_TOOL, args, heap=memory)
        with open(log, "wb") as out:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=home,
                                  env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")},
                                  check=False)
    except (OSError, GraphError) as exc:
        raise BulkFailed(f"离线导入无法启动（the importer did not start: {exc}）") from exc
    if done.returncode != 0 or not all(d.is_dir() for d in _store_dirs(home)):
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        raise BulkFailed(f"离线导入失败（the importer failed with {done.returncode}: {' | '.join(tail)[:300]}; "
                         f"log: {log}）")
    return home


def _swap(settings: Settings, store: GraphStore, imported: Path, work: Path, phase: Callable[[str], None]) -> None:
    """Stop the server, put the imported database in place of the old one, start it again,
    reconnect. If the server does not start on it, the old database goes back (BulkFailed)."""
    home = server.server_paths(settings).home
    server.stop(settings)
    phase("stop")
    moved: list[tuple[Path, Path]] = []
    for live, new in zip(_store_dirs(home), _store_dirs(imported), strict=True):
        old = work / "old" / live.parent.name
        old.parent.mkdir(parents=True, exist_ok=True)
        if live.exists():
            live.rename(old)
        moved.append((live, old))
        new.rename(live)
    try:
        running = server.start(settings)
    except GraphError as exc:
        for live, old in moved:
            shutil.rmtree(live, ignore_errors=True)
            if old.exists():
                old.rename(live)
        running = server.start(settings)
        assert running.uri is not None
        store.reconnect(running.uri, "neo4j", server.read_password(settings))
        raise BulkFailed(f"本地图数据库未能在导入的数据库上启动，已恢复原数据库（the server did not start on the "
                         f"imported database, the old one is back: {exc}）") from exc
    assert running.uri is not None
    store.reconnect(running.uri, "neo4j", server.read_password(settings))
    phase("start")


def import_first_load(con: duckdb.DuckDBPyConnection, store: GraphStore, settings: Settings, run_id: str,
                      step_sql: Mapping[str, str],
                      on_phase: Callable[[str], None] | None = None,
                      shaped: Callable[[str], None] | None = None) -> BulkResult:
    """Make the first load of ``step_sql`` (write query name: the step's rows' SQL, as
    graph/load.py shapes them) with the offline importer. Call only when :func:`refusal`
    is None. Raises :class:`BulkFailed` when the graph is left as it was (load through
    Bolt then); any later failure is a GraphError like a failed Bolt write. ``shaped(step)``:
    called once the step's SQL has been read (its rows are kept here from then on)."""
    result = BulkResult()
    clock = [time.perf_counter()]

    def phase(name: str) -> None:
        now = time.perf_counter()
        result.phases[name] = now - clock[0]
        clock[0] = now
        if on_phase:
            on_phase(name)

    work = server.server_paths(settings).home / BULK_DIR
    shutil.rmtree(work, ignore_errors=True)
    (work / "files").mkdir(parents=True)
    try:
        files, blanks = _export(con, step_sql, run_id, work / "files", result, shaped)
        run_node = store.query("load/bulk/run_node", run_id=run_id)
        phase("export")
        imported = _run_importer(settings, work, files)
        phase("import")
        _swap(settings, store, imported, work, phase)
        store.init_schema()
        phase("schema")
        for row in run_node:
            store.query("load/bulk/run_node_restore", props=row["props"])
        for blank in blanks:
            store.run_batched("load/bulk/empty_texts_rel" if blank.relationship else "load/bulk/empty_texts",
                              **{"type" if blank.relationship else "label": blank.name},
                              properties=list(blank.properties), marker=EMPTY_TEXT)
        phase("restore")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result
