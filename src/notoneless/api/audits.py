"""Audit events of the API's reads: made durable in a local journal before the data leaves,
then moved to the graph in the background (``access/audit.py`` says what an event holds;
``api/audit/record.cypher`` writes them).

Every read of a child's data leaves one event, and a read whose event cannot be kept
fails (503, ``AUDIT_UNAVAILABLE``) and shows nothing. Writing each event to Neo4j before
answering made a trail read wait for a write transaction (its commit, its round trip, and
the CPU it takes from the two cores the server shares with Neo4j): 65.8 ms at p95 against
26.0 ms without auditing (benchmarks/api_load.py, 16 clients). So a read's event goes to
the server process's journal instead — appended to a local file on the event loop and
``fdatasync``-ed by the journal's sync thread, a fraction of a millisecond, while the
trail is being read — and the events of every request the event loop is handling at that
moment go together (group commit: one write, one sync, ``_flush``; the events written
while a sync runs go in the next).

The journal is a directory (``Settings.paths.audit_journal``) of segments
``audit-*.jsonl``, one JSON event a line. Each server process appends to its own segment
and holds an exclusive ``flock`` on it. When its segment is due, the process seals it
(later events go to a new one), writes the sealed segment's events to the graph, and
deletes the segment; at shutdown it does so for all. A segment is due when reads have
paused for ``api_audit_drain_seconds``, or when its oldest event has waited
``api_audit_move_max_seconds``, or at ``MOVE_SEGMENT_EVENTS`` events: moving every half
second while reads kept coming put Neo4j's writes beside the reads on the same two cores,
so the move waits for a pause where it can (in transactions of ``MOVE_BATCH``). That
alone left a trail read 11.5 ms dearer at p95; what made auditing cheap was the server's
own work per event: no lock and no worker thread per read, and the disk's sync in the
journal's one thread (``_SyncThread``). Now +1.2 and +0.9 ms at p95, 16 clients, in two
runs of ``benchmarks/api_load.py --audit both --rounds 4`` (issue 20's note). A segment
that nobody holds a lock on was left by a process that died (or a graph that was down): any
process moves it to the graph when it starts, and at every drain. Moving is idempotent
(``MERGE`` on ``event_id``, a unique key), so an event moved twice — a crash between the
commit and the delete, a listing racing a drain — is one node.

A listing of events (``GET /audit``, ``GET /persons/{id}/audit``) first moves every event
still in any process's journal to the graph (``publish``), so nothing is missing from it,
however long a segment waits. It reads the journal before it queries the graph: an event
deleted from a segment in between was committed before its segment was deleted. The
process remembers which events its listings have published, and neither a later listing
nor its own move writes them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.from_thread
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from notoneless.access.audit import REVEAL, ROSTER_REVEAL, read_event, write_events
from notoneless.access.users import Caller
from notoneless.errors import AuditUnavailable
from notoneless.graph.store import GraphStore

log = logging.getLogger("notoneless.api")

SEGMENT_GLOB = "audit-*.jsonl"
# Audited even when reads are not (NOTONELESS_API_AUDIT_READS=false, for measurement): full numbers shown.
ALWAYS_AUDITED = frozenset({REVEAL, ROSTER_REVEAL})
# Events written to the graph in one transaction at most, when a segment is moved.
MOVE_BATCH = 2000
# A segment this long is moved even while reads keep coming (about half a minute of a
# busy server; a few MB on the disk).
MOVE_SEGMENT_EVENTS = 20_000
CLOSED = "审计日志未打开（服务正在启动或停止），本次读取未执行：请稍后重试。"
FAILED = "审计记录无法写入本地审计日志（{error}），本次读取未执行：请检查服务器磁盘空间与工作区权限后重试，或联系系统管理员。"


class _Segment:
    """One journal file of this process, locked (``flock``) while it is open. Written on
    the event loop; synced by the journal's sync thread (``_SyncThread``)."""

    def __init__(self, directory: Path) -> None:
        # Locked under a temporary name first, then renamed: a segment is never seen
        # unlocked (and taken for an orphan) by another process.
        temporary = directory / f".new-{uuid.uuid4().hex}"
        self.fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.path = directory / f"audit-{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
        os.rename(temporary, self.path)
        _sync_directory(directory)
        self.size = 0  # bytes of whole, synced lines (set on the loop, by ``AuditJournal._synced``)
        self.written = 0  # bytes written (synced or not)
        self.events = 0
        self.pending = 0  # batches written and not yet reported synced (or failed) on the loop
        # Set by the sync thread when a sync failed: no later sync of this file is trusted
        # (after a failed fdatasync Linux may report the next one clean though pages were
        # lost), so every batch after it fails too, and the loop writes to a fresh file.
        self.failed: OSError | None = None

    def write(self, data: bytes) -> None:
        """Append ``data`` (whole lines) to the file, not yet synced (a few microseconds: the
        page cache); on failure cut the file back to its synced lines."""
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self.fd, view):]
        except OSError:
            self.cut()
            raise
        self.written += len(data)

    def cut(self) -> None:
        """Cut the file back to its synced lines (on the loop): a half-written line must not
        glue onto the next, and the lines of reads that failed are not events."""
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, self.size)
        self.written = self.size

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class _SyncThread:
    """The journal's one thread that ``fdatasync``s what the event loop wrote, and reports
    back to the loop (``call_soon_threadsafe``) which batches are durable.

    Why a thread of its own: the sync on the loop blocked every request the loop was
    serving for as long as the disk took — 0.1 ms on a quiet disk, but under a busy one
    (Neo4j writing beside it) 18 % of the server process's time went there (py-spy,
    benchmarks/api_load.py at 16 clients). Here the loop goes on while the disk syncs, and
    the events written meanwhile wait for the next sync together (group commit). What
    a thread costs is paid per sync, not per read: one wake-up and one callback. (A worker
    of the thread pool per sync, tried before, cost more: a task, a hop and the GIL again
    at every read.)"""

    def __init__(self, loop: asyncio.AbstractEventLoop, report: Callable[[list[Any]], None]) -> None:
        self._loop = loop
        self._report = report
        self._jobs: list[tuple[_Segment, int, list[asyncio.Future[None]], int]] = []
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="audit-journal-sync", daemon=True)
        self._thread.start()

    def submit(self, segment: _Segment, upto: int, futures: list[asyncio.Future[None]], events: int) -> None:
        with self._cond:
            self._jobs.append((segment, upto, futures, events))
            self._cond.notify()

    def stop(self) -> None:
        """Sync what was submitted, then end (blocking)."""
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._stop:
                    self._cond.wait()
                if not self._jobs:
                    return
                jobs, self._jobs = self._jobs, []
            errors: dict[int, OSError | None] = {}  # one sync per segment (by id), in order
            for segment, _upto, _futures, _events in jobs:
                key = id(segment)
                if key in errors:
                    continue
                if segment.failed is None:
                    try:
                        os.fdatasync(segment.fd)
                    except OSError as exc:
                        segment.failed = exc
                errors[key] = segment.failed
            self._loop.call_soon_threadsafe(self._report, [(job, errors[id(job[0])]) for job in jobs])


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _events_of(path: Path) -> list[dict[str, Any]]:
    """The whole lines of a segment (a last line without its newline was never acknowledged)."""
    events = []
    for line in path.read_bytes().split(b"\n")[:-1]:
        try:
            events.append(json.loads(line))
        except ValueError:
            log.error("audit journal %s: a line that is not an event was skipped", path.name)
    return events


def move_to_graph(store: GraphStore, events: list[dict[str, Any]]) -> None:
    """Write journal events to the graph (idempotent: ``MERGE`` on ``event_id``)."""
    for start in range(0, len(events), MOVE_BATCH):
        write_events(store, events[start:start + MOVE_BATCH])


class AuditJournal:
    """The read events of one server process: durable at once, in the graph once the
    segment is due (``_due``), at a listing, or at shutdown. ``record`` runs on the event
    loop; ``start`` and ``stop`` in the app's lifespan."""

    def __init__(self, directory: Path, store: Callable[[], GraphStore], *, drain_seconds: float,
                 move_max_seconds: float = 30.0) -> None:
        self.directory = directory
        self._store = store
        self._drain_seconds = drain_seconds
        self._move_max_seconds = move_max_seconds
        self._last_event = 0.0  # time.monotonic() of the last event made durable
        self._first_event = 0.0  # ... of the first event of the open segment
        # Event ids a listing of this process has written to the graph, by segment name:
        # not written again by the next listing, nor by the segment's move.
        self._published: dict[str, set[str]] = {}
        self._published_lock = threading.Lock()
        self._segment: _Segment | None = None
        self._sealed: list[_Segment] = []  # sealed but not yet in the graph (the graph was down)
        self._waiting: list[tuple[bytes, asyncio.Future[None]]] = []
        self._flush_due = False  # a _flush is scheduled on the loop
        # A drain's move (a worker thread) and the one at shutdown may overlap: one at a time,
        # or each pops the other's segment and one is left unmoved.
        self._moving = threading.Lock()
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._syncer: _SyncThread | None = None  # from ``start`` to ``stop``
        # Notified on the loop whenever a segment's pending batches were reported: a move
        # or a close (worker threads) waits for its segment's syncs first (``_settle``).
        self._settled = threading.Condition()
        self.events = 0  # events made durable

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        await run_in_threadpool(self._open)
        self._syncer = _SyncThread(asyncio.get_running_loop(), self._synced)
        self._spawn(self._drain_loop())

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self.move_orphans()
        except Exception as exc:  # noqa: BLE001 — the graph may be down: they stay, and move later
            log.error("audit journal: events left by a stopped process not yet moved to the graph: %s", exc)
        self._segment = _Segment(self.directory)

    async def stop(self) -> None:
        """Move every event of this process to the graph (what cannot be moved stays in
        the journal, for the next process that starts)."""
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        await run_in_threadpool(self._close)
        if self._syncer is not None:
            await run_in_threadpool(self._syncer.stop)
            self._syncer = None

    def _close(self) -> None:
        if self._segment is not None:
            self._sealed.append(self._segment)
            self._segment = None
        try:
            self._move_sealed()
        except Exception as exc:  # noqa: BLE001
            log.error("audit journal: events kept on disk, moved to the graph at the next start: %s", exc)
        for segment in self._sealed:
            self._settle(segment)
            segment.close()  # unlocked: an orphan now, moved by the next process that starts
        self._sealed = []

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- recording: group commit ---------------------------------------------------------

    async def record(self, event: dict[str, Any]) -> None:
        """Make ``event`` durable; returns once it is on the disk, raises AuditUnavailable if it cannot be."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.append((json.dumps(event, ensure_ascii=False).encode() + b"\n", future))
        if not self._flush_due:
            self._flush_due = True
            loop.call_soon(self._flush)
        await future

    def _flush(self) -> None:
        """Write every event waiting (group commit) on the event loop, and hand the batch to
        the sync thread; each read returns once its batch is reported synced (``_synced``).

        Scheduled with ``call_soon``, it runs after the callbacks ready now, so the events of
        every request the loop is handling go in one write; meanwhile their trail queries
        are in flight (``get_trail`` gathers both), and while the disk syncs, the loop serves
        the next requests, whose events wait for the next sync together.
        """
        self._flush_due = False
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        futures = [future for _, future in batch]
        try:
            segment = self._append(b"".join(line for line, _ in batch))
        except Exception as exc:  # noqa: BLE001 — every read of the batch fails (a 503)
            self._fail(futures, exc)
            return
        if self._syncer is None:  # stopped meanwhile: the lines written are no events
            segment.cut()
            self._fail(futures, AuditUnavailable(CLOSED))
            return
        segment.pending += 1
        self._syncer.submit(segment, segment.written, futures, len(batch))

    def _fail(self, futures: list[asyncio.Future[None]], exc: Exception) -> None:
        log.error("audit journal: %d events could not be written: %s", len(futures), exc)
        error = exc if isinstance(exc, AuditUnavailable) else AuditUnavailable(FAILED.format(error=exc))
        for future in futures:
            if not future.done():  # a client that went away cancels its future
                future.set_exception(error)

    def _append(self, data: bytes) -> _Segment:
        """Write ``data`` to the open segment (a fresh one if there is none, or if a sync of
        it failed); the segment written to."""
        if self._segment is not None and self._segment.failed is not None:
            self._seal_failed(self._segment)
        if self._segment is None and not self._stopping:
            # the last one failed (a full disk) and no fresh one could be made then: try
            # again now, so a disk that has room again serves reads again
            self._segment = _Segment(self.directory)
        segment = self._segment
        if segment is None:
            raise AuditUnavailable(CLOSED)
        try:
            segment.write(data)
        except OSError:
            self._seal_failed(segment)
            raise
        now = time.monotonic()
        if not segment.events:
            self._first_event = now
        self._last_event = now
        segment.events += data.count(b"\n")  # on the loop, as the drain's seal: it seals what it counts
        return segment

    def _seal_failed(self, segment: _Segment) -> None:
        """A segment that failed once is sealed: its synced lines still move to the graph,
        and the next events try a fresh file."""
        if segment is self._segment:
            self._sealed.append(segment)
            self._segment = None
            with contextlib.suppress(OSError):
                self._segment = _Segment(self.directory)

    def _synced(self, reports: list[Any]) -> None:
        """On the loop: the sync thread's word on the batches it synced, in the order written."""
        for (segment, upto, futures, events), error in reports:
            if error is None:
                segment.size = max(segment.size, upto)
                self.events += events
                for future in futures:
                    if not future.done():  # a client that went away cancels its future
                        future.set_result(None)
            else:
                segment.cut()  # the lines of the failed reads are not events
                self._seal_failed(segment)
                self._fail(futures, error)
            segment.pending -= 1  # last: a waiting move (``_settle``) then reads the file as cut
        with self._settled:
            self._settled.notify_all()

    def _settle(self, segment: _Segment) -> None:
        """Wait (in a worker thread, never on the loop) until every batch written to
        ``segment`` is reported synced or failed: its file then holds exactly the events
        of the reads that were answered."""
        with self._settled:
            while segment.pending and self._syncer is not None:
                self._settled.wait(1.0)

    # --- draining ------------------------------------------------------------------------

    async def _drain_loop(self) -> None:
        while True:
            await asyncio.sleep(self._drain_seconds)
            if not self._due():
                continue
            try:
                await self.drain()
            except Exception as exc:  # noqa: BLE001 — kept on disk; tried again at the next drain
                log.error("audit journal: events not yet moved to the graph (tried again shortly): %s", exc)

    def _due(self) -> bool:
        """Whether to move now: the reads have paused for a tick, or the open segment's
        oldest event has waited ``move_max_seconds``, or the segment is long."""
        now = time.monotonic()
        if now - self._last_event >= self._drain_seconds:
            return True
        segment = self._segment
        return bool(segment is not None and segment.events and (
            now - self._first_event >= self._move_max_seconds or segment.events >= MOVE_SEGMENT_EVENTS))

    async def drain(self) -> None:
        """Seal this process's segment if it has events, and move the sealed ones (and any
        orphan) to the graph."""
        if self._segment is not None and self._segment.events:
            # The fresh segment is made (a create, a rename, a directory sync) before the
            # lock is taken: the reads' appends wait only for the swap.
            fresh = await run_in_threadpool(_Segment, self.directory)
            # the swap on the loop, where every append runs whole (``_flush``): no lock
            if self._segment is not None:
                self._sealed.append(self._segment)
            self._segment = fresh
        await run_in_threadpool(self._move_sealed)
        await run_in_threadpool(self.move_orphans)

    def _move_sealed(self) -> None:
        with self._moving:
            self._move_sealed_locked()

    def _move_sealed_locked(self) -> None:
        while self._sealed:
            segment = self._sealed[0]
            self._settle(segment)
            try:
                events = _events_of(segment.path)
            except FileNotFoundError:  # deleted behind the journal's back: nothing left to move, and
                # it must not hold up the segments sealed after it
                log.error("audit journal: segment %s was deleted before it was moved to the graph", segment.path.name)
                events = []
            move_to_graph(self._store(), self._unpublished(segment.path.name, events))
            segment.path.unlink(missing_ok=True)
            self._forget(segment.path.name)
            segment.close()
            self._sealed.pop(0)

    def _unpublished(self, name: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The events of segment ``name`` that no listing of this process has written yet."""
        with self._published_lock:
            done = self._published.get(name)
        return [e for e in events if e.get("event_id") not in done] if done else events

    def _forget(self, name: str) -> None:
        with self._published_lock:
            self._published.pop(name, None)

    def move_orphans(self) -> int:
        """Move the segments no live process holds (left by a process that died) to the
        graph and delete them; how many events were moved."""
        moved = 0
        for path in sorted(self.directory.glob(SEGMENT_GLOB)):
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:  # moved meanwhile by its owner
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # a live process's (this one's too): not an orphan
                    continue
                events = _events_of(path)
                move_to_graph(self._store(), self._unpublished(path.name, events))
                path.unlink(missing_ok=True)
                self._forget(path.name)
                moved += len(events)
            finally:
                os.close(fd)
        for stale in self.directory.glob(".new-*"):  # a process died between creating and naming one
            with contextlib.suppress(OSError):
                if stale.stat().st_size == 0 and time.time() - stale.stat().st_mtime > 60:
                    stale.unlink()
        return moved

    def publish(self) -> int:
        """Write every event still in any process's journal to the graph (before a listing;
        blocking), but those an earlier listing of this process wrote; how many were
        written. The segments stay: their owners delete them after their own move."""
        fresh: dict[str, list[dict[str, Any]]] = {}
        paths = sorted(self.directory.glob(SEGMENT_GLOB))
        for path in paths:
            try:
                fresh[path.name] = self._unpublished(path.name, _events_of(path))
            except FileNotFoundError:  # moved meanwhile: already in the graph
                continue
        move_to_graph(self._store(), [e for events in fresh.values() for e in events])
        with self._published_lock:
            for name, events in fresh.items():
                self._published.setdefault(name, set()).update(e.get("event_id") for e in events)
            for name in set(self._published) - {p.name for p in paths}:  # moved and deleted since
                self._published.pop(name, None)
        return sum(len(events) for events in fresh.values())


def client_source(request: Request) -> str:
    """Where a request comes from: the client's address (as the server sees it)."""
    return request.client.host if request.client else "unknown"


async def audit_read(request: Request, caller: Caller, action: str, *, person_id: str | None = None,
                     person_ids: list[str] | None = None, target: str | None = None,
                     fields: list[str] | None = None, town: str | None = None) -> None:
    """Make the event of this request's read (or reveal) durable in the server's journal,
    the one path of every API and page audit (raises AuditUnavailable if it cannot be)."""
    if not request.app.state.settings.api_audit_reads and action not in ALWAYS_AUDITED:
        return
    event = read_event(caller, action, source=client_source(request), person_id=person_id, person_ids=person_ids,
                       target=target, fields=fields, town=town)
    await request.app.state.audits.record(event)


def audit_read_sync(request: Request, caller: Caller, action: str, **kwargs: Any) -> None:
    """The same from a route that runs in the thread pool (a plain ``def`` route): the
    event joins the journal's group commit on the event loop."""
    anyio.from_thread.run(functools.partial(audit_read, request, caller, action, **kwargs))


def publish_journal(request: Request) -> None:
    """Before a listing of events (blocking): every event still in a journal, into the graph."""
    request.app.state.audits.publish()
