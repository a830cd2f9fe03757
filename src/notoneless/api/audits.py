"""Audit events of the API's reads, written in batches (``access/audit.py`` says what an
event holds; ``api/audit/record.cypher`` writes them).

Every read of a child's data leaves one event, written before the data is returned: a
route awaits :meth:`AuditWriter.record`, and if the event cannot be written the read
fails (503), so no event is ever lost. Writing one event per request would add a write
transaction's round trip to every read; instead, as in ``api/trails.py``, the events
that are waiting go in one transaction (at most ``MAX_BATCH``), and the trail route
starts its event's write while the trail is being read, so the two round trips overlap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from notoneless.access.audit import read_event, write_events
from notoneless.access.users import Caller

MAX_BATCH = 64
MAX_IN_FLIGHT = 2


class AuditWriter:
    """Read events of one server process, written in batches (``record`` runs on the event loop)."""

    def __init__(self, store: Callable[[], Any], *, max_batch: int = MAX_BATCH,
                 max_in_flight: int = MAX_IN_FLIGHT) -> None:
        self._store = store
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._in_flight = 0
        self._senders: set[asyncio.Task[None]] = set()
        self.writes = 0  # transactions and events written: for tests and benchmarks
        self.events = 0

    async def record(self, event: dict[str, Any]) -> None:
        """Write ``event`` (``access.audit.read_event``); returns once it is stored, raises if it cannot be."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, future))
        if self._in_flight < self._max_in_flight:
            self._in_flight += 1
            sender = asyncio.get_running_loop().create_task(self._send())
            self._senders.add(sender)
            sender.add_done_callback(self._senders.discard)
        await future

    async def _send(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch:]
                try:
                    await run_in_threadpool(write_events, self._store(), [e for e, _ in batch])
                except Exception as exc:  # noqa: BLE001 — every read of the batch fails (a 503)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                except BaseException:  # the server is stopping
                    for _, future in batch + self._waiting:
                        future.cancel()
                    self._waiting = []
                    raise
                self.writes += 1
                self.events += len(batch)
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
        finally:
            self._in_flight -= 1


def client_source(request: Request) -> str:
    """Where a request comes from: the client's address (as the server sees it)."""
    return request.client.host if request.client else "unknown"


async def audit_read(request: Request, caller: Caller, action: str, *, person_id: str | None = None,
                     person_ids: list[str] | None = None, target: str | None = None,
                     fields: list[str] | None = None) -> None:
    """Write the read event of this request (raises if it cannot be written)."""
    if not request.app.state.settings.api_audit_reads:
        return
    event = read_event(caller, action, source=client_source(request), person_id=person_id, person_ids=person_ids,
                       target=target, fields=fields)
    await request.app.state.audits.record(event)


def audit_read_sync(request: Request, caller: Caller, action: str, **kwargs: Any) -> None:
    """The same from a route that runs in the thread pool (a plain ``def`` route): written
    at once, in its own transaction."""
    if request.app.state.settings.api_audit_reads:
        write_events(request.app.state.store, [read_event(caller, action, source=client_source(request), **kwargs)])
