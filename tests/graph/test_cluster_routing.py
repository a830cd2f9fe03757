"""What a Neo4j cluster needs from the store, checked against the local Community server
through a routing URI (``neo4j://``), as production configures a cluster or Aura
(issue 25; docs/scale.md, "The graph on a cluster"):

- the driver routes: it asks the server for a routing table and sends reads to readers,
  writes to the writer (one member here, several in a cluster);
- an officer's own write is seen by the next read, wherever it is routed: every
  transaction of the store carries the bookmarks of the writes before it (causal
  consistency), so a read routed to a secondary waits until that secondary has them;
- a write that fails with a transient error (a leader change, a deadlock) is retried by
  the driver's managed transaction and lands once;
- the schema is created once: applying it again changes nothing.

Only one member runs here, so a read cannot actually land on a lagging secondary; what is
checked is that the store hands every session the bookmarks that make it wait."""

from __future__ import annotations

import threading

import pytest

from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.store import GraphStore

pytestmark = pytest.mark.graph


@pytest.fixture(scope="module")
def routed(graph_store: GraphStore, graph_settings: Settings):
    uri = graph_store.uri.replace("bolt://", "neo4j://", 1)
    assert uri.startswith("neo4j://")
    store = GraphStore.connect(uri, "neo4j", server.read_password(graph_settings))
    yield store
    store.execute_write(lambda tx: tx.run("MATCH (n:RoutingProbe) DETACH DELETE n").consume())
    store.close()


def test_a_routing_uri_gets_a_routing_table_with_readers_and_a_writer(routed):
    assert routed.query("store/server_version")[0]["version"]
    tables = routed._driver._pool.routing_tables  # the driver's own routing state (no public accessor)
    table = next(iter(tables.values()))
    assert table.routers and table.readers and table.writers


def test_an_officers_own_write_is_seen_by_the_next_routed_read(routed):
    bookmarks = routed._driver.execute_query_bookmark_manager
    before = set(bookmarks.get_bookmarks())
    routed.execute_write(lambda tx: tx.run("CREATE (:RoutingProbe {k: 'own-write'})").consume())
    after = set(bookmarks.get_bookmarks())
    assert after and after != before  # the write's bookmark is kept for every later session
    # A read session of the store starts from those bookmarks (so a secondary would wait for them) …
    with routed._session(default_access_mode="READ") as session:
        found = session.run("MATCH (n:RoutingProbe {k: 'own-write'}) RETURN count(n) AS n").single()["n"]
        assert found == 1
        assert session._config.bookmark_manager is bookmarks  # the store's one manager (no public accessor)
    # … and so does the cheapest path, the auto-commit read of the API's per-request reads.
    assert routed.execute_read(lambda tx: tx.run(
        "MATCH (n:RoutingProbe {k: 'own-write'}) RETURN count(n) AS n").single()["n"]) == 1


def test_a_write_that_fails_transiently_is_retried_and_lands_once(routed):
    # A real transient error: two write transactions that lock the same two nodes in
    # opposite orders deadlock, and Neo4j aborts one of them (DeadlockDetected, a
    # TransientError), as a cluster aborts a transaction whose leader stepped down. The
    # store's managed write retries it; both land, each once.
    routed.execute_write(lambda tx: tx.run("UNWIND ['a', 'b'] AS k MERGE (:RoutingProbe {k: k})").consume())
    both_locked_one = threading.Barrier(2, timeout=30)
    attempts = {"ab": 0, "ba": 0}
    errors: list[BaseException] = []

    def writer(first: str, second: str) -> None:
        def work(tx):
            attempts[first + second] += 1
            tx.run("MATCH (n:RoutingProbe {k: $k}) SET n.hits = coalesce(n.hits, 0) + 1", k=first).consume()
            if attempts[first + second] == 1:
                both_locked_one.wait()  # each holds its first node: the second lock deadlocks
            tx.run("MATCH (n:RoutingProbe {k: $k}) SET n.hits = coalesce(n.hits, 0) + 1", k=second).consume()
        try:
            routed.execute_write(work)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(attempts.values()) == [1, 2], attempts  # one was aborted by the deadlock and retried
    hits = routed.execute_read(lambda tx: {r["k"]: r["hits"] for r in tx.run(
        "MATCH (n:RoutingProbe) WHERE n.k IN ['a', 'b'] RETURN n.k AS k, n.hits AS hits")})
    assert hits == {"a": 2, "b": 2}  # each write landed exactly once


def test_the_schema_is_created_once(routed):
    def schema():
        return routed.execute_read(lambda tx: (
            sorted(r["name"] for r in tx.run("SHOW CONSTRAINTS YIELD name")),
            sorted(r["name"] for r in tx.run("SHOW INDEXES YIELD name"))))

    first = schema()
    assert first[0] and first[1]
    routed.init_schema()  # a second API worker, a second run: IF NOT EXISTS, nothing new
    assert schema() == first
