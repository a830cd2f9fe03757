"""The load (workspace → Neo4j): idempotent, stale items removed, keys resolved."""

from __future__ import annotations

import duckdb
import handbuilt_scenario as sc
import pytest
from handbuilt_workspace import build_workspace

from notoneless.graph.load import load_graph
from notoneless.graph.targets import resolve_targets

pytestmark = pytest.mark.graph


def _workspace(records=None, contacts=None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_workspace(
        con,
        divisions=sc.DIVISIONS,
        schools=sc.SCHOOLS,
        records=sc.records() if records is None else records,
        contacts=sc.CONTACTS if contacts is None else contacts,
        visits=sc.VISITS,
    )
    return con


def _counts(graph) -> tuple[dict, dict]:
    def read(tx):
        nodes = tx.run("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n").data()
        rels = tx.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n").data()
        return {r["label"]: r["n"] for r in nodes}, {r["type"]: r["n"] for r in rels}

    return graph.execute_read(read)


def test_load_writes_the_model(graph):
    con = _workspace()
    report = load_graph(con, graph, run_id="r1")
    nodes, rels = _counts(graph)
    n_records = len(sc.records())
    assert nodes["SourceRecord"] == n_records
    assert nodes["Person"] == len({r["person_id"] for r in sc.records()})
    assert nodes["Payment"] == sum(1 for r in sc.records() if r["source"] == "zizhu")
    assert rels["HAS_RECORD"] == n_records
    assert nodes["School"] == 3 and nodes["Contact"] == 6 and nodes["Visit"] == 3
    # a division only referred to by a record gets a node, with its ancestors
    assert nodes["Division"] >= len(sc.DIVISIONS)
    assert report.unresolved_targets == 0
    person = graph.execute_read(
        lambda tx: tx.run("MATCH (p:Person {person_id: 'P11'}) RETURN p.id_number AS id, p.birth_date AS b").single()
    )
    # the ID's birth date wins over the xueji record's typed (wrong) date
    assert person["id"] == sc.ID["P11"] and str(person["b"]) == "2012-06-01"


def test_a_second_load_of_the_same_workspace_leaves_the_same_graph(graph):
    con = _workspace()
    load_graph(con, graph, run_id="r1")
    first = _counts(graph)
    report = load_graph(con, graph, run_id="r2")
    assert _counts(graph) == first
    assert report.removed == {"remove_stale_relationships": 0, "remove_stale_nodes": 0}
    stale = graph.execute_read(
        lambda tx: tx.run("MATCH (n) WHERE n.run_id IS NOT NULL AND n.run_id <> 'r2' RETURN count(n) AS n").single()["n"]
    )
    assert stale == 0


def test_stale_records_and_moved_records_are_removed_not_duplicated(graph):
    load_graph(_workspace(), graph, run_id="r1")
    records = sc.records()
    # the next bundle: P03's only record is gone, and hukou:1 now belongs to another person
    records = [r for r in records if r["person_id"] != "P03"]
    for r in records:
        if (r["source"], r["row"]) == ("hukou", 1):
            r["person_id"] = "P01B"
    report = load_graph(_workspace(records), graph, run_id="r2")
    assert report.removed["remove_stale_nodes"] >= 2  # hukou:3's record and person P03
    owners = graph.execute_read(
        lambda tx: tx.run(
            "MATCH (p:Person)-[:HAS_RECORD]->(:SourceRecord {record_key: 'hukou:1'}) RETURN p.person_id AS pid"
        ).value()
    )
    assert owners == ["P01B"]
    nodes, rels = _counts(graph)
    assert nodes["SourceRecord"] == len(records) == rels["HAS_RECORD"]
    assert "P03" not in graph.execute_read(lambda tx: tx.run("MATCH (p:Person) RETURN p.person_id").value())


def test_contact_targets_are_resolved_like_any_key():
    con = _workspace(
        contacts=sc.CONTACTS
        + [
            dict(contact_id="C7", type="包人", target="G" + sc._typo(sc.ID["P05"])),  # 学籍号 form of a typo'd ID
            dict(contact_id="C8", type="包人", target="430000000000000000"),  # names nobody
            dict(contact_id="C9", type="包户", target=" h01 "),  # household key typed loosely
        ]
    )
    resolved = resolve_targets(con)
    person = {r["contact_id"]: r["person_id"] for r in resolved.responsibilities["Person"]}
    assert person["C4"] == "P01"  # transposed digits repaired against known IDs
    assert person["C5"] == "P02"  # 学籍号
    assert person["C7"] == "P05"
    assert "C8" not in person
    households = {(r["contact_id"], r["uid"]) for r in resolved.responsibilities["Household"]}
    assert ("C2", "fupin:F01") in households and ("C9", "hukou:H01") in households
    assert resolved.unresolved == 1  # C8 only (every visit target resolves)
    assert resolved.repaired == 2  # C4 and C7
