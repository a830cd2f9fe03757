"""The first load (issue 21): a full load into a graph that holds none of the load's data
writes with CREATE (``graph_schema/queries/load/create/``) and parallel writers, and must
leave exactly the graph the MERGE path leaves — every node, relationship and property,
``run_id`` included — on a generated bundle; officers' data stays untouched, the next
load is incremental, and a first load stopped half-way makes the next one a MERGE load."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from notoneless.graph.load import FULL, INCREMENTAL, load_graph
from notoneless.run import run_bundle
from notoneless.synth import WorldConfig, generate_bundle

pytestmark = pytest.mark.graph

# The key of each label the load or the officers write; a node of none is named by all its properties.
KEYS = {"Division": "code", "School": "school_id", "Person": "person_id", "SourceRecord": "record_key",
        "Household": "key", "Contact": "contact_id", "Visit": "key", "User": "name", "Case": "case_id",
        "ContactAssignment": "assignment_id"}


def _dump(graph) -> tuple[list, list]:
    """Every node and relationship of the graph with all its properties (the load marker
    aside: its token is new on every load), sorted."""

    def ident(labels: list[str], props: dict) -> str:
        label = next((lb for lb in sorted(labels) if lb in KEYS), None)
        return f"{label}:{props[KEYS[label]]}" if label else json.dumps(props, sort_keys=True, default=str)

    def clean(props: dict) -> str:
        return json.dumps({k: str(v) for k, v in props.items()}, sort_keys=True, ensure_ascii=False)

    def read(tx):
        nodes = tx.run("MATCH (n) WHERE NOT n:GraphLoad RETURN labels(n) AS labels, properties(n) AS props").data()
        rels = tx.run("MATCH (a)-[r]->(b) RETURN labels(a) AS la, properties(a) AS pa, type(r) AS type, "
                      "properties(r) AS props, labels(b) AS lb, properties(b) AS pb").data()
        return nodes, rels

    nodes, rels = graph.execute_read(read)
    return (sorted((sorted(n["labels"]), clean(n["props"])) for n in nodes),
            sorted((ident(r["la"], r["pa"]), r["type"], clean(r["props"]), ident(r["lb"], r["pb"])) for r in rels))


@pytest.fixture(scope="module")
def generated(tmp_path_factory, graph_settings, graph_store):
    """The DuckDB workspace of one run of a generated bundle (a copy, with its path)."""
    tmp = tmp_path_factory.mktemp("first-load")
    graph_store.clear()
    summary = generate_bundle(tmp / "gen", WorldConfig(counties=2, children_per_county=150, seed=21))
    # the session's workspace remembers earlier tests' runs, and the graph was just cleared
    run_bundle(summary.bundle_dir, tmp / "out", graph_settings, new_ledger=True)
    copy = tmp / "workspace.duckdb"
    shutil.copyfile(graph_settings.paths.linkage, copy)
    return copy


def _stale_division(graph) -> None:
    """Run data in the graph (a Division no bundle has): a full load then MERGEs."""
    graph.execute_write(lambda tx: tx.run("CREATE (:Division {code: 'gone', run_id: 'older'})").consume())


def _officers(graph) -> None:
    """Officers' data that is no node of the load's labels: a user, a case, an event."""
    graph.execute_write(lambda tx: tx.run(
        "CREATE (:User {name: '县数据员', role: '县级', token_sha256: 'x'}) "
        "CREATE (:Case {case_id: 'K-1', match_key: 'k1', status: 'open'}) "
        "CREATE (:ContactAssignment {assignment_id: 'CA-1', action: 'assign', contact_id: 'C-none'})").consume())


def test_the_first_load_leaves_the_graph_the_merge_load_leaves(graph, generated, tmp_path):
    con = duckdb.connect(str(generated))
    _officers(graph)
    _stale_division(graph)
    merged = load_graph(con, graph, run_id="r1")
    assert merged.mode == FULL and not merged.first_load
    assert merged.removed["remove_stale_nodes"] == 1  # the stale Division: this was the MERGE path
    reference = _dump(graph)
    assert sum(merged.rows.values()) > 1000

    for writers in (1, 3):
        graph.clear()
        _officers(graph)
        state = tmp_path / f"graph_load_{writers}.duckdb"
        first = load_graph(con, graph, run_id="r1", writers=writers, state=state)
        assert first.mode == FULL and first.first_load and first.writers == writers
        assert first.rows == merged.rows
        assert "直接创建" in first.describe() and f"{writers} writer(s)" in first.describe()
        assert _dump(graph) == reference, f"{writers} writer(s)"
        # its fingerprints and marker were kept: the next load is incremental and writes nothing
        again = load_graph(con, graph, run_id="r2", writers=writers, state=state)
        assert again.mode == INCREMENTAL and again.written == 0, again.reason
        assert _dump(graph) == reference
    con.close()


def test_a_graph_holding_run_data_takes_the_merge_path(graph, generated):
    con = duckdb.connect(str(generated))
    assert graph.query("load/run_data") == [{"present": False}]
    _stale_division(graph)
    assert graph.query("load/run_data") == [{"present": True}]
    report = load_graph(con, graph, run_id="r1", writers=2)
    assert report.mode == FULL and not report.first_load and report.writers == 1
    assert "直接创建" not in report.describe() and "stale items deleted" in report.describe()
    con.close()


def test_a_first_load_stopped_half_way_makes_the_next_load_a_merge_load(graph, generated, tmp_path):
    con = duckdb.connect(str(generated))
    state = tmp_path / "graph_load.duckdb"
    reference = load_graph(con, graph, run_id="r0")
    assert reference.first_load
    expected = _dump(graph)
    graph.clear()

    class Stop(Exception):
        pass

    def stop_in_records(label: str, done: int, total: int) -> None:
        if label.startswith("SourceRecord") and done:
            raise Stop  # persons written, records partly

    with pytest.raises(Stop):
        load_graph(con, graph, run_id="r0", writers=2, state=state, on_progress=stop_in_records, batch_size=50)
    assert graph.query("load/marker") == []  # no marker: the next load cannot be incremental
    report = load_graph(con, graph, run_id="r0", writers=2, state=state)
    assert report.mode == FULL and "no completed load" in report.reason
    assert not report.first_load  # the half-written data is there: MERGE, then the stale removed
    assert _dump(graph) == expected
    con.close()
