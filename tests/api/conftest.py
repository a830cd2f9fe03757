"""The API under test: the app over the real local Neo4j, with the scenario loaded once
per module, and clients with each role's token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_client import api_client
from api_scene import load_scene
from fastapi.testclient import TestClient

from notoneless.config import Settings
from notoneless.graph.store import GraphStore


@pytest.fixture(scope="module")
def scene(graph_store: GraphStore) -> Iterator[dict[str, str]]:
    tokens = load_scene(graph_store)
    yield tokens
    graph_store.clear()


@pytest.fixture(scope="module")
def client(graph_store: GraphStore, graph_settings: Settings, scene: dict[str, str]) -> Iterator[TestClient]:
    with api_client(graph_store, graph_settings) as c:
        yield c
