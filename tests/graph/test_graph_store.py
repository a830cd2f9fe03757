"""The graph store against the real local Neo4j: batched writes, named queries, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from neo4j import GraphDatabase

from notoneless.config import Settings
from notoneless.errors import GraphError
from notoneless.graph import cypher_files, server
from notoneless.graph.store import _SCHEMA_NAME, GraphStore

pytestmark = pytest.mark.graph

TEST_QUERIES = Path(__file__).resolve().parents[1] / "fixtures" / "queries"


@pytest.fixture
def store(graph: GraphStore, graph_settings: Settings):
    """The session's server, with the test-only queries of tests/fixtures/queries."""
    with GraphStore.connect(
        graph.uri, "neo4j", server.read_password(graph_settings), query_dirs=[TEST_QUERIES]
    ) as store:
        yield store


@pytest.mark.parametrize("workers", [1, 2])
def test_write_10k_nodes_in_batches_and_read_them_back(store: GraphStore, workers: int) -> None:
    rows = [{"item_id": i, "value": f"值{i * 7 % 1000}"} for i in range(10_000)]
    batches: list[int] = []
    written = store.write_rows("roundtrip/write_items", iter(rows), batch_size=1_500, on_batch=batches.append, workers=workers)
    assert written == 10_000
    assert sorted(batches) == sorted([1_500] * 6 + [1_000])
    assert store.query("roundtrip/read_items") == rows
    assert store.node_counts()["WriteCheck"] == 10_000


def test_clear_empties_the_graph_and_keeps_the_schema(store: GraphStore) -> None:
    store.write_rows("roundtrip/write_items", [{"item_id": 1, "value": "a"}])
    store.clear()
    assert store.query("roundtrip/read_items") == []
    store.init_schema()  # idempotent on an existing schema
    assert store.node_counts().get("WriteCheck", 0) == 0
    assert {"Person", "Case"} <= store.node_counts().keys()  # labels of the constraints stay


def test_init_schema_sends_only_what_the_graph_lacks(store: GraphStore, monkeypatch) -> None:
    """Every schema statement names its constraint or index; what the graph already has is
    not sent again, and what was dropped behind the store's back is made again."""
    named = {found["name"]: bool(found["constraint"])
             for file_name in cypher_files.SCHEMA_FILES
             for statement in cypher_files.read_statements(store.schema_dir / file_name)
             if (found := _SCHEMA_NAME.search(statement.text))}
    statements = sum(len(cypher_files.read_statements(store.schema_dir / f)) for f in cypher_files.SCHEMA_FILES)
    assert len(named) == statements  # every statement named
    constraint = next(n for n, is_constraint in named.items() if is_constraint)
    index = next(n for n, is_constraint in named.items() if not is_constraint)
    dealt: list[bool] = []  # the statements are dealt out by their labels' nodes only when some are sent
    counts = store.node_counts
    monkeypatch.setattr(store, "node_counts", lambda: dealt.append(True) or counts())
    store.init_schema()
    assert dealt == []
    try:
        store.execute_write(lambda tx: [tx.run(f"DROP CONSTRAINT {constraint}").consume(),
                                        tx.run(f"DROP INDEX {index}").consume()])
        assert constraint not in {r["name"] for r in store.query("store/constraint_names")}
    finally:
        store.init_schema()
    assert dealt == [True]
    assert constraint in {r["name"] for r in store.query("store/constraint_names")}
    assert index in {r["name"] for r in store.query("store/index_names")}


def test_execute_write_is_one_transaction(store: GraphStore) -> None:
    def add_two_then_fail(tx):
        tx.run(store.cypher("roundtrip/add_item"), {"item_id": 1, "value": "a"}).consume()
        tx.run(store.cypher("roundtrip/add_item"), {"item_id": 2, "value": "b"}).consume()
        raise RuntimeError("not a graph error: the transaction must roll back")

    with pytest.raises(RuntimeError):
        store.execute_write(add_two_then_fail)
    assert store.query("roundtrip/read_items") == []

    ids = store.execute_write(
        lambda tx: [tx.run(store.cypher("roundtrip/add_item"), {"item_id": i, "value": "c"}).single()["item_id"] for i in (3, 4)]
    )
    assert ids == [3, 4]
    assert store.execute_read(lambda tx: tx.run(store.cypher("roundtrip/read_items")).data()) == [
        {"item_id": 3, "value": "c"},
        {"item_id": 4, "value": "c"},
    ]


def test_query_names_are_checked(store: GraphStore) -> None:
    with pytest.raises(GraphError, match="No query named"):
        store.query("roundtrip/no_such_query")
    with pytest.raises(GraphError, match="Invalid query name"):
        store.cypher("../graph_schema/constraints")
    with pytest.raises(GraphError, match="does not read \\$rows"):
        store.write_rows("roundtrip/read_items", [{"item_id": 1}])


def test_a_failing_query_is_a_graph_error_naming_it(store: GraphStore) -> None:
    with pytest.raises(GraphError, match="roundtrip/add_item.*ParameterMissing"):
        store.query("roundtrip/add_item", item_id=1)


def test_server_version_comes_from_dbms_components(store: GraphStore) -> None:
    version = store.server_version()
    assert version.endswith(" community") and version[0].isdigit()


def _plan_operators(store: GraphStore, settings: Settings, name: str, params: dict) -> list[str]:
    """The operators (with their details) of the plan Neo4j would run the named query with."""
    with GraphDatabase.driver(store.uri, auth=("neo4j", server.read_password(settings))) as driver, \
            driver.session(database=store.database) as session:
        plan = session.run("EXPLAIN " + store.cypher(name), params).consume().plan
    found: list[str] = []

    def walk(op: dict) -> None:
        found.append(f"{op['operatorType'].split('@')[0]} {op.get('args', {}).get('Details', '')}")
        for child in op.get("children", []):
            walk(child)

    walk(plan)
    return found


def test_replan_makes_the_review_facts_expand_from_each_person(store: GraphStore, graph_settings: Settings) -> None:
    # A first run's cases appear all at once. Planned on the Case(state) index as sampled while
    # it was empty, reviews/consequence_facts scanned that index once per review item
    # (17-20 s at 1M records instead of well under a second); after replan() it expands
    # from each person to their cases.
    store.replan()  # the Case index sampled empty, as before a first run's ledger
    store.query("replan/review_people", persons=3_000, items=200, run_id="r1")
    store.query("replan/cases", n=20_000, persons=3_000)
    assert store.replan() is True
    plan = _plan_operators(store, graph_settings, "reviews/consequence_facts", {"run_id": "r1", "closed": ["销号"]})
    about_cases = [op for op in plan if "ABOUT" in op and "(k)" in op]
    assert about_cases == ["Expand(All) (p)<-[:ABOUT]-(k)"], plan
    assert not [op for op in plan if op.startswith("NodeIndexScan") and "Case" in op], plan
