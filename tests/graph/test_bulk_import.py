"""The first load through Neo4j's offline importer (issue 21, graph/bulk_import.py).

On the workspace's own local server, a first load into a graph holding nothing but the
run's Run node is built by ``neo4j-admin database import``; it must leave exactly the graph
the Bolt CREATE load leaves — every node's labels and properties with their types, every
relationship with its properties, the constraints and indexes, the Run node — keep the
fingerprints so that the next load is incremental, refuse a graph holding anything else
(an officer's User), and give a ``notoneless run`` the same outputs as with it off.

These tests start servers of their own (the session's one has the importer off: it stops
and restarts the server it loads)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from neo4j.time import Date, DateTime

from notoneless.config import Settings
from notoneless.graph import bulk_import, server
from notoneless.graph.load import FULL, INCREMENTAL, load_graph
from notoneless.graph.store import open_graph
from notoneless.run import run_bundle
from notoneless.synth import WorldConfig, generate_bundle

pytestmark = pytest.mark.graph

RUN = {"run_id": "r1", "name": "批量导入 2025秋 比对", "province_code": "43", "term": "2025秋",
       "reference_date": "2025-10-15", "bundle": "/data/bundle", "started_at": "2025-10-16T08:00:00.123456+00:00"}


def _typed(value: object) -> object:
    """A property value with its Neo4j type: lists element by element."""
    if isinstance(value, list):
        return ("list", tuple(_typed(v) for v in value))
    return (type(value).__name__, str(value))


def _dump(store) -> tuple[list, list, list]:
    """Every node (labels, typed properties) and relationship (ends by their key, type, typed
    properties) of the graph, the load marker aside (its token is new on every load), and
    the constraints and indexes (name, kind, labels, properties), sorted."""

    def read(tx):
        nodes = tx.run("MATCH (n) WHERE NOT n:GraphLoad RETURN labels(n) AS labels, properties(n) AS props").data()
        rels = tx.run("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS type, properties(r) AS props, "
                      "elementId(b) AS b").data()
        keys = {row["id"]: row["key"] for row in tx.run(
            "MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, "
            "coalesce(n.record_key, n.person_id, n.code, n.school_id, n.contact_id, n.key, n.run_id) AS key").data()}
        schema = tx.run("SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint "
                        "RETURN name, type, entityType, labelsOrTypes, properties, owningConstraint").data()
        return nodes, rels, keys, schema

    nodes, rels, keys, schema = store.execute_read(read)

    def props(p: dict) -> tuple:
        return tuple(sorted((k, _typed(v)) for k, v in p.items()))

    return (sorted((tuple(sorted(n["labels"])), props(n["props"])) for n in nodes),
            sorted((keys[r["a"]], r["type"], props(r["props"]), keys[r["b"]]) for r in rels),
            sorted((s["name"], s["type"], s["entityType"], tuple(s["labelsOrTypes"] or ()),
                    tuple(s["properties"] or ()), s["owningConstraint"] or "") for s in schema))


@pytest.fixture(scope="module")
def generated(tmp_path_factory, graph_settings, graph_store):
    """A generated bundle, the DuckDB workspace of one run of it (a copy), that run's
    outputs and case ledger: the session's server, the importer off."""
    tmp = tmp_path_factory.mktemp("bulk-import")
    graph_store.clear()
    summary = generate_bundle(tmp / "gen", WorldConfig(counties=2, children_per_county=150, seed=21))
    report = run_bundle(summary.bundle_dir, tmp / "out-off", graph_settings, new_ledger=True)
    copy = tmp / "workspace.duckdb"
    shutil.copyfile(graph_settings.paths.linkage, copy)
    return summary.bundle_dir, copy, tmp / "out-off", _ledger(graph_store, report.run_id)


def _bulk_settings(workspace: Path) -> Settings:
    return Settings(workspace=workspace, graph_uri=None, graph_port=server.free_port(), graph_heap="512m",
                    graph_pagecache="128m", graph_bulk_import="auto", graph_bulk_import_memory="512m")


@pytest.fixture(scope="module")
def bulk_settings(tmp_path_factory) -> Settings:
    """A workspace with its own local server, the importer on (stopped at the end)."""
    settings = _bulk_settings(tmp_path_factory.mktemp("bulk-workspace"))
    yield settings
    server.stop(settings)


def test_the_bulk_import_leaves_the_graph_the_create_load_leaves(graph, generated, bulk_settings, tmp_path):
    _bundle, workspace, _out, _ledger_off = generated
    con = duckdb.connect(str(workspace))
    # an empty text on a record and on its MEMBER_OF (the importer's Parquet reader drops one)
    con.execute("UPDATE hukou SET relation = '' WHERE record_key = (SELECT min(record_key) FROM hukou JOIN "
                "person_records USING (record_key) WHERE household_key <> '')")
    graph.query("runs/start", **RUN)
    created = load_graph(con, graph, run_id="r1", writers=2, state=tmp_path / "create.duckdb")
    assert created.first_load and not created.bulk and created.bulk_refused == ""  # no settings: not considered
    reference = _dump(graph)
    assert len(reference[0]) > 2000 and len(reference[1]) > 2000
    # the bundle has what the import files cannot say plainly: empty lists and texts, dates,
    # floats, a second label
    flat = [v for _labels, props in reference[0] for _k, v in props]
    assert ("list", ()) in flat and any(t == "Date" for t, _ in flat if isinstance(t, str))
    assert ("relation", ("str", "")) in [kv for _labels, props in reference[0] for kv in props]
    assert any(t == "MEMBER_OF" and ("relation", ("str", "")) in props for _a, t, props, _b in reference[1])
    assert any(t == "float" for t, _ in flat if isinstance(t, str))
    assert any("Payment" in labels for labels, _ in reference[0])

    with open_graph(bulk_settings, create=True) as store:
        store.init_schema()
        store.query("runs/start", **RUN)
        before = server.status(bulk_settings).pid
        state = tmp_path / "bulk.duckdb"
        bulk = load_graph(con, store, run_id="r1", writers=2, state=state, settings=bulk_settings)
        assert bulk.mode == FULL and bulk.first_load and bulk.bulk, bulk.bulk_refused
        assert server.status(bulk_settings).pid != before  # the server was restarted on the imported database
        assert set(bulk.bulk_phases) == {"export", "import", "stop", "start", "schema", "restore", "marker"}
        assert bulk.rows == created.rows
        assert "离线批量导入" in bulk.describe() and "neo4j-admin database import" in bulk.describe()
        dumped = _dump(store)
        assert dumped[2] == reference[2]  # constraints and indexes
        assert dumped[1] == reference[1]  # relationships
        assert dumped[0] == reference[0]  # nodes
        run = store.query("load/bulk/run_node", run_id="r1")[0]["props"]
        assert isinstance(run["reference_date"], Date) and isinstance(run["started_at"], DateTime)
        # the marker and the workspace's fingerprints are there: the next load is incremental, writes nothing
        again = load_graph(con, store, run_id="r2", state=state, settings=bulk_settings)
        assert again.mode == INCREMENTAL and again.written == 0, again.reason
        assert not again.bulk and again.bulk_refused == ""
    con.close()


def test_a_graph_holding_an_officer_refuses_the_bulk_import(generated, bulk_settings, tmp_path):
    _bundle, workspace, _out, _ledger_off = generated
    con = duckdb.connect(str(workspace))
    with open_graph(bulk_settings, create=True) as store:
        store.clear()
        store.query("runs/start", **RUN)
        assert bulk_import.refusal(bulk_settings, store, "r1") is None
        store.execute_write(lambda tx: tx.run(
            "CREATE (:User {name: '县数据员', role: '县级', token_sha256: 'x'})").consume())
        before = server.status(bulk_settings).pid
        report = load_graph(con, store, run_id="r1", writers=2, settings=bulk_settings)
        assert report.first_load and not report.bulk
        assert "User 1" in report.bulk_refused and "未用离线批量导入" in report.describe()
        assert server.status(bulk_settings).pid == before  # never stopped
        assert store.query("load/run_data") == [{"present": True}]  # loaded through Bolt
        users = store.execute_read(lambda tx: tx.run("MATCH (u:User) RETURN u.name AS name").data())
        assert users == [{"name": "县数据员"}]
    off = bulk_settings.model_copy(update={"graph_bulk_import": "off"})
    assert "NOTONELESS_GRAPH_BULK_IMPORT=off" in (bulk_import.refusal(off, store, "r1") or "")
    con.close()


def _ledger(store, run_id: str) -> list:
    """The case ledger without what names the run (case ids, run ids, times); a deadline as
    the days after the case opened, so that two runs either side of midnight compare."""
    cases = store.execute_read(lambda tx: tx.run("MATCH (c:Case) RETURN properties(c) AS p").data())
    assert cases

    def value(k: str, v: object, p: dict) -> str:
        if k == "deadline":
            return f"+{(v.to_native() - p['opened_at'].to_native().date()).days} days"
        return str(v)

    return sorted(sorted((k, value(k, v, c["p"])) for k, v in c["p"].items()
                         if k != "case_id" and run_id not in str(v) and not isinstance(v, DateTime)) for c in cases)


def test_a_run_gives_the_same_outputs_with_the_bulk_import(generated, tmp_path):
    bundle, _workspace, out_off, ledger_off = generated
    settings = _bulk_settings(tmp_path / "ws")
    report = run_bundle(bundle, tmp_path / "out", settings)
    assert server.status(settings).running is False  # the run started its server and stopped it
    # started, and started again on the imported database
    assert (settings.paths.graph / "server.log").read_text().count("READY ") == 2
    files = sorted(p.relative_to(out_off) for p in out_off.rglob("*.csv"))
    assert Path("entities.csv") in files and Path("rejects.csv") in files
    assert any(p.parts[0] == "findings" for p in files)
    for name in files:
        assert (tmp_path / "out" / name).read_bytes() == (out_off / name).read_bytes(), name
    with open_graph(settings) as store:
        assert _ledger(store, report.run_id) == ledger_off
