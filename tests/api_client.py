"""The API as tests call it: the app over a real graph store in a TestClient (server
errors come back as 500 problem responses, as a client would see them), and the
``Authorization`` header of a bearer token. Shared by the API, contacts and decisions
tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from notoneless.api.app import create_app
from notoneless.config import Settings
from notoneless.graph.store import GraphStore


@contextmanager
def api_client(graph_store: GraphStore, graph_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(graph_settings, store=graph_store), raise_server_exceptions=False) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
