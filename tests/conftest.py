"""Shared fixtures.

The graph: ONE local Neo4j server for the whole test session (started in a temporary
workspace on a free port, stopped at the end), with the project's schema applied.

- ``graph_store``: that server's connected :class:`GraphStore` (session scope).
- ``graph``: the same store, emptied (nodes and relationships; the schema stays) before the test, and
  the person-id history of ``graph_settings``' workspace removed (a new ledger).
- ``graph_settings``: Settings whose local server is that one (for ``open_graph`` or the CLI).

Spark: ONE local Spark session for the whole test session (``spark``, stopped at the end),
used by every test of the Spark linkage engine through ``spark_settings`` (engine spark,
local[2], two shuffle partitions: the data of a test is small).

The offline importer (graph/bulk_import.py) is off for the whole session, for the CLI's
runs too (the environment): it stops and restarts the server it loads, and the session's
one server is shared by every test. tests/graph/test_bulk_import.py turns it on for its
own servers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from run_helpers import forget_history

from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.store import GraphStore

os.environ["NOTONELESS_GRAPH_BULK_IMPORT"] = "off"


@pytest.fixture(scope="session")
def graph_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        workspace=tmp_path_factory.mktemp("graph-workspace"),
        graph_uri=None,
        graph_port=server.free_port(),
        graph_heap="768m",
        graph_pagecache="256m",
        graph_bulk_import="off",
    )


@pytest.fixture(scope="session")
def graph_store(graph_settings: Settings) -> Iterator[GraphStore]:
    running = server.start(graph_settings)
    try:
        assert running.uri is not None
        store = GraphStore.connect(running.uri, "neo4j", server.read_password(graph_settings))
        try:
            store.init_schema()
            yield store
        finally:
            store.close()
    finally:
        server.stop(graph_settings)


@pytest.fixture
def graph(graph_store: GraphStore, graph_settings: Settings) -> Iterator[GraphStore]:
    graph_store.clear()
    forget_history(graph_settings)  # an empty graph is a new ledger: its workspace history goes too
    yield graph_store


@pytest.fixture(scope="session")
def spark_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(workspace=tmp_path_factory.mktemp("spark-workspace"), linkage_engine="spark",
                    spark_master="local[2]", spark_shuffle_partitions=2, spark_driver_memory="1g")


@pytest.fixture(scope="session")
def spark(spark_settings: Settings) -> Iterator[object]:
    from notoneless.linkage import spark_engine

    session = spark_engine.session(spark_settings)
    try:
        yield session
    finally:
        session.stop()
