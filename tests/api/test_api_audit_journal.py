"""The API's audit journal (api/audits.py): a read's event is made durable on the server's
disk before the data leaves, and reaches the graph later — at the next drain, when the
server stops, or, after a crash, when the next server process starts. No event is lost
and none is doubled; a listing shows the events not yet moved. (Issue 20: the audit
write must cost a trail read ≤ 2 ms at p95, and never lose an event.)"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import subprocess
import time
from types import SimpleNamespace

import pytest
from api_client import api_client, auth
from serving import NOTONELESS, serve_env, wait_healthy

from notoneless.access.audit import TRAIL_READ, read_event
from notoneless.access.users import Caller, Role
from notoneless.api.audits import MOVE_SEGMENT_EVENTS, SEGMENT_GLOB, AuditJournal
from notoneless.graph import server

pytestmark = pytest.mark.graph

COUNTY_A = "鹤城区数据员"


def _trail_reads(store, since: str) -> list[dict]:
    """The trail_read events of county A's officer since ``since``, in the graph only."""
    return store.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent {action: 'trail_read', by: $by}) WHERE a.at >= datetime($since) "
        "RETURN a.event_id AS event_id, a.person_id AS person_id ORDER BY a.at", by=COUNTY_A, since=since).data())


def _now(store) -> str:
    return store.execute_read(lambda tx: tx.run("RETURN toString(datetime()) AS t").single()["t"])


def test_an_event_is_listed_before_it_reaches_the_graph_and_moved_when_the_server_stops(
        graph_store, graph_settings, scene):
    settings = graph_settings.model_copy(update={"api_audit_drain_seconds": 3600})  # no drain while the test runs
    t0 = _now(graph_store)
    with api_client(graph_store, settings) as client:
        assert client.get("/persons/P01/trail", headers=auth(scene["county_a"])).status_code == 200
        assert client.get("/persons/P01/trail", headers=auth(scene["county_a"])).status_code == 200
        assert _trail_reads(graph_store, t0) == []  # durable in the journal only, so far
        segments = list(settings.paths.audit_journal.glob(SEGMENT_GLOB))
        lines = [json.loads(x) for p in segments for x in p.read_text(encoding="utf-8").splitlines()]
        assert [e["action"] for e in lines].count("trail_read") == 2
        # a listing shows them (it moves the journal's events into the graph first)
        listed = client.get("/persons/P01/audit", headers=auth(scene["auditor_a"])).json()["items"]
        ids = {e["event_id"] for e in lines}
        assert ids <= {e["event_id"] for e in listed}
    # stopping moves the rest, and nothing is doubled by a second move
    found = _trail_reads(graph_store, t0)
    assert sorted(e["event_id"] for e in found) == sorted(ids)
    assert list(settings.paths.audit_journal.glob(SEGMENT_GLOB)) == []


def test_after_a_crash_no_event_is_lost(graph_store, graph_settings, scene, tmp_path):
    # A real server process, killed (SIGKILL) before it moved its journal to the graph;
    # the next server process to start moves what it left.
    port = server.free_port()
    env = {**serve_env(graph_settings, graph_store), "NOTONELESS_API_WORKERS": "1",
           "NOTONELESS_API_AUDIT_DRAIN_SECONDS": "3600"}
    t0 = _now(graph_store)
    with (tmp_path / "serve.log").open("wb") as log:
        proc = subprocess.Popen([NOTONELESS, "serve", "--port", str(port)], env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            wait_healthy(port)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for person in ("P01", "P02", "P01"):
                conn.request("GET", f"/persons/{person}/trail", headers=auth(scene["county_a"]))
                response = conn.getresponse()
                response.read()
                assert response.status == 200
            conn.close()
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    assert _trail_reads(graph_store, t0) == []  # the server died before it moved them
    left = list(graph_settings.paths.audit_journal.glob(SEGMENT_GLOB))
    assert sum(len(p.read_text(encoding="utf-8").splitlines()) for p in left) == 3
    with api_client(graph_store, graph_settings):  # the next server process starts: it moves them first
        moved = _trail_reads(graph_store, t0)
    assert moved == _trail_reads(graph_store, t0)  # and once only
    moved = _trail_reads(graph_store, t0)
    assert [e["person_id"] for e in moved] == ["P01", "P02", "P01"] and len({e["event_id"] for e in moved}) == 3
    assert list(graph_settings.paths.audit_journal.glob(SEGMENT_GLOB)) == []


def test_a_segment_waits_while_reads_keep_coming(tmp_path):
    # Moving every tick while reads kept coming cost a trail read 16 ms at p95: a segment
    # moves in a pause of the reads, or once it is old or long (api/audits.py, _due).
    journal = AuditJournal(tmp_path, lambda: None, drain_seconds=0.5, move_max_seconds=30)
    journal._segment = SimpleNamespace(events=5)
    now = time.monotonic()
    journal._last_event, journal._first_event = now, now - 10
    assert not journal._due()  # reads keep coming, the oldest has waited 10 s
    journal._first_event = now - 31
    assert journal._due()  # waited longer than move_max_seconds
    journal._first_event, journal._segment.events = now, MOVE_SEGMENT_EVENTS
    assert journal._due()  # long
    journal._segment.events, journal._last_event = 5, now - 0.6
    assert journal._due()  # a pause of a tick


class _CountingStore:
    """The real store, counting the events each ``api/audit/record`` sends."""

    def __init__(self, store):
        self.store, self.sent = store, []

    def query(self, name, **params):
        if name == "api/audit/record":
            self.sent.extend(e["event_id"] for e in params["events"])
        return self.store.query(name, **params)


def test_a_listing_publishes_each_event_once_and_the_move_skips_what_it_published(graph_store, tmp_path):
    counting = _CountingStore(graph_store)
    reader = Caller(name="审计测试", role=Role.PROVINCE, division="43", user_id="U-journal-test")
    events = [read_event(reader, TRAIL_READ, source="127.0.0.1", person_id=f"P0{i}") for i in range(1, 5)]

    async def scenario() -> list[int]:
        journal = AuditJournal(tmp_path / "journal", lambda: counting, drain_seconds=3600)
        await journal.start()
        try:
            for event in events[:3]:
                await journal.record(event)
            published = [journal.publish(), journal.publish()]  # the second has nothing new
            await journal.record(events[3])
            published.append(journal.publish())
        finally:
            await journal.stop()  # the move: only what no listing wrote
        return published

    assert asyncio.run(scenario()) == [3, 0, 1]
    assert sorted(counting.sent) == sorted(e["event_id"] for e in events)  # each event written once
    found = graph_store.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent) WHERE a.event_id IN $ids RETURN count(a) AS n",
        ids=[e["event_id"] for e in events]).single()["n"])
    assert found == 4
    assert list((tmp_path / "journal").glob(SEGMENT_GLOB)) == []
