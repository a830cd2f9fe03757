"""Trail reads gathered into one query (api/trails.py), over the real local Neo4j: every
lookup gets its own answer in its own scope, and one query serves many lookups."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from neo4j import GraphDatabase
from test_api_access import SCOPE

from notoneless.access.users import authenticate
from notoneless.api.trails import TrailReader
from notoneless.errors import GraphError
from notoneless.graph import server
from notoneless.graph.store import GraphStore


def _lookups(graph_store: GraphStore, scene: dict[str, str]) -> list[tuple[str, str, dict[str, str | None], bool]]:
    callers = {user: authenticate(graph_store, scene[user]) for user, _, _ in SCOPE}
    return [(user, person, callers[user].scope(), visible) for user, person, visible in SCOPE]


def test_lookups_waiting_together_share_a_query_and_keep_their_own_scope(graph_store, scene) -> None:
    lookups = _lookups(graph_store, scene) * 3  # the same lookup twice in one query, too
    reader = TrailReader(lambda: graph_store, max_batch=16, max_in_flight=1)

    async def all_at_once() -> list[dict | None]:
        return await asyncio.gather(*(reader.read(person, scope) for _, person, scope, _ in lookups))

    rows = asyncio.run(all_at_once())
    assert reader.lookups == len(lookups)
    # One query at a time, 16 lookups each: 81 lookups in 6 queries.
    assert reader.queries == -(-len(lookups) // 16)
    for (user, person, scope, visible), row in zip(lookups, rows, strict=True):
        assert (row is not None) == visible, (user, person)
        if visible:
            assert row["person"]["person_id"] == person
            # The same answer as the lookup read on its own.
            alone = graph_store.read("trail", requests=[{"i": 7, "person_id": person, **scope}])
            assert len(alone) == 1 and alone[0].pop("request") == 7
            assert row == alone[0]


def test_a_lookup_alone_goes_at_once(graph_store, scene) -> None:
    reader = TrailReader(lambda: graph_store)
    _, person, scope, _ = _lookups(graph_store, scene)[0]
    for _ in range(3):
        assert asyncio.run(reader.read(person, scope))["person"]["person_id"] == person
    assert (reader.queries, reader.lookups) == (3, 3)


@pytest.mark.parametrize("gather", [0.0, 0.3])
def test_lookups_arriving_while_a_query_is_in_flight_wait_for_company(graph_store, scene, gather: float) -> None:
    # The first query is held in Neo4j's stead until the others have arrived (one every
    # 10 ms). With a gathering window the second query waits and takes all five; without
    # one, the second lookup goes alone and the rest follow in more queries.
    sent, release = threading.Event(), threading.Event()

    class FirstQueryHeld:
        queries = 0

        def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
            FirstQueryHeld.queries += 1
            if FirstQueryHeld.queries == 1:
                sent.set()
                release.wait(30)
            return graph_store.read(name, **params)

    held = FirstQueryHeld()
    reader = TrailReader(lambda: held, max_in_flight=2, gather=gather)
    lookups = [(p, s) for _, p, s, visible in _lookups(graph_store, scene) if visible][:6]

    async def scenario() -> list[dict | None]:
        tasks = [asyncio.create_task(reader.read(*lookups[0]))]
        await asyncio.to_thread(sent.wait, 30)
        for person, scope in lookups[1:]:
            tasks.append(asyncio.create_task(reader.read(person, scope)))
            await asyncio.sleep(0.01)
        release.set()
        return await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)

    rows = asyncio.run(scenario())
    assert [row["person"]["person_id"] for row in rows] == [p for p, _ in lookups]
    assert reader.lookups == 6
    if gather:
        assert reader.queries == 2
    else:
        assert reader.queries >= 3


def test_a_failed_query_fails_every_lookup_in_it_and_the_next_query_goes_on(graph_store, scene) -> None:
    nobody = f"bolt://127.0.0.1:{server.free_port()}"  # a real driver, nothing listening there
    unreachable = GraphStore(GraphDatabase.driver(nobody, auth=("neo4j", "x"), connection_timeout=2),
                             nobody, None, 100, graph_store.schema_dir)
    stores = [unreachable]
    reader = TrailReader(lambda: stores[0], max_batch=4, max_in_flight=1)
    lookups = _lookups(graph_store, scene)[:6]

    async def all_at_once() -> list[object]:
        return await asyncio.gather(*(reader.read(p, s) for _, p, s, _ in lookups), return_exceptions=True)

    try:
        results = asyncio.run(all_at_once())
    finally:
        unreachable.close()
    assert all(isinstance(r, GraphError) for r in results), results
    assert reader.queries == 0
    stores[0] = graph_store
    _, person, scope, _ = lookups[0]
    assert asyncio.run(reader.read(person, scope))["person"]["person_id"] == person


@pytest.mark.parametrize("max_in_flight", [1, 2])
def test_no_lookup_is_left_waiting(graph_store, scene, max_in_flight: int) -> None:
    # Lookups arriving while queries are in flight (in waves) are all answered.
    reader = TrailReader(lambda: graph_store, max_batch=3, max_in_flight=max_in_flight)
    lookups = _lookups(graph_store, scene)

    async def waves() -> list[dict | None]:
        tasks = []
        for _, person, scope, _ in lookups:
            tasks.append(asyncio.create_task(reader.read(person, scope)))
            await asyncio.sleep(0)
        return await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)

    rows = asyncio.run(waves())
    assert [row is not None for row in rows] == [visible for *_, visible in lookups]
    assert reader.lookups == len(lookups) and reader.queries < len(lookups)
