"""The API under test: the app over the real local Neo4j, with the scenario loaded once
per module, and clients with each role's token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from notoneless.api.app import create_app
from notoneless.config import Settings
from notoneless.graph.store import GraphStore
from api_scene import load_scene


@pytest.fixture(scope="module")
def scene(graph_store: GraphStore) -> Iterator[dict[str, str]]:
    tokens = load_scene(graph_store)
    yield tokens
    graph_store.clear()


@pytest.fixture(scope="module")
def client(graph_store: GraphStore, graph_settings: Settings, scene: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(graph_settings, store=graph_store)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
