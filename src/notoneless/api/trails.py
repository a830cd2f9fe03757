"""Trail reads gathered into one graph query (GET /persons/{id}/trail, the busiest route).

A trail read is one query (``queries/trail.cypher``), and most of its cost is fixed per
query — the driver's session and Bolt messages, Neo4j's own per-query work — rather
than per person. So a server process sends the lookups that are waiting together as one
query: a lookup that finds the process idle goes at once (an idle server adds no
delay); a lookup that finds a query in flight and a free slot for another waits
``gather`` seconds for company first; every other lookup waits for the next query, up
to ``max_batch`` to a query. Nothing is remembered between
queries: every answer is read from the graph after its request arrived, in the caller's
scope (each lookup carries its own ``division`` / ``school``).

Hand-written because it is small and specific: a DataLoader-style library would bring
its own cache, which a trail must not have (cases and decisions change between reads).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

# Lookups sent in one query at most: enough to take a burst of the 16 clients of
# benchmarks/api_load.py at once; the query's rows grow with it, its fixed cost does not.
MAX_BATCH = 32
# Queries in flight at once per server process: one reads while the next gathers (1
# measured slower: 457–490 req/s against 604–666 with 2, benchmarks/api_load.py).
MAX_IN_FLIGHT = 2
# How long a second query in flight waits for more lookups before it goes: without it,
# under the 16-client load of benchmarks/api_load.py a query carried 1.8–3.5 lookups and
# its fixed cost was most of a lookup's; with 1 ms, 2.6–4.2. The same runs, alternated
# on one host, served more requests per second with it in 9 of 13 pairs
# (by 0–20%; the host's own speed moved as much between runs); 0.5 ms gained less,
# 1.5–3 ms about the same as 1.
GATHER_SECONDS = 0.001


class TrailReader:
    """Trail lookups of one server process, gathered (``read`` is called on the event loop)."""

    def __init__(self, store: Callable[[], Any], *, max_batch: int = MAX_BATCH, max_in_flight: int = MAX_IN_FLIGHT,
                 gather: float = GATHER_SECONDS) -> None:
        # ``store``: gives the GraphStore (the app opens it only when it starts).
        self._store = store
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._gather = gather
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[dict[str, Any] | None]]] = []
        self._in_flight = 0
        self._senders: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks
        self.queries = 0  # queries sent, and lookups answered: for tests and benchmarks
        self.lookups = 0

    async def read(self, person_id: str, scope: dict[str, Any]) -> dict[str, Any] | None:
        """The trail row of ``person_id`` if it exists and is in ``scope``, else None."""
        future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(({"person_id": person_id, **scope}, future))
        if self._in_flight < self._max_in_flight:
            wait = self._gather if self._in_flight else 0.0
            self._in_flight += 1
            sender = asyncio.get_running_loop().create_task(self._send(wait))
            self._senders.add(sender)
            sender.add_done_callback(self._senders.discard)
        return await future

    async def _send(self, wait: float) -> None:
        # Runs until nobody waits: the lookups that came while a query was read go in
        # the next one, so the query count grows with the load much slower than lookups.
        # ``wait``: seconds to gather lookups before the first query (0: at once).
        try:
            if wait:
                try:
                    await asyncio.sleep(wait)
                except BaseException:  # the server is stopping: nobody is left waiting
                    self._cancel_waiting([])
                    raise
            while self._waiting:
                batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
                requests = [{"i": i, **lookup} for i, (lookup, _) in enumerate(batch)]
                try:
                    rows = await run_in_threadpool(self._store().read, "trail", requests=requests)
                    found = {row.pop("request"): row for row in rows}
                except Exception as exc:  # noqa: BLE001 — handed to every lookup of the query (a 503)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                except BaseException:  # the server is stopping: nobody is left waiting
                    self._cancel_waiting(batch)
                    raise
                self.queries += 1
                self.lookups += len(batch)
                for i, (_, future) in enumerate(batch):
                    if not future.done():  # a client that went away cancels its future
                        future.set_result(found.get(i))
        finally:
            self._in_flight -= 1

    def _cancel_waiting(self, batch: list[tuple[dict[str, Any], asyncio.Future[dict[str, Any] | None]]]) -> None:
        for _, future in batch + self._waiting:
            future.cancel()
        self._waiting = []
