"""Every read of a child's data through the API leaves exactly one audit event — who
(name, user id, role, division), what (the kind, the person), when and from where — and
the events are listed by GET /persons/{id}/audit and, division-wide, by GET /audit
(filter by user, person, kind and time). A read whose event cannot be written fails
(503) and shows nothing. (Issue 20: three trail reads left no trace.)"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from api_client import api_client, auth
from api_scene import ID

pytestmark = pytest.mark.graph


def _events(store, client=None) -> list[dict]:
    """Every audit event: in the graph, and (with ``client``) still in the app's journal."""
    if client is not None:
        client.app.state.audits.publish()
    rows = store.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent) RETURN a {.*, at: toString(a.at)} AS e ORDER BY a.at, a.event_id").data())
    return [r["e"] for r in rows]


def _case_of_p01(client, scene) -> str:
    cases = client.get("/cases", params={"person_id": "P01"}, headers=auth(scene["county_a"])).json()["items"]
    assert cases
    return cases[0]["case_id"]


@pytest.mark.parametrize(("path", "params", "kind", "persons"), [
    ("/persons/P01/trail", {}, "trail_read", ["P01"]),
    ("/persons/P01", {}, "person_read", ["P01"]),
    ("/persons/P01", {"reveal": "true"}, "reveal", ["P01"]),
    ("/persons", {"q": ID["P01"]}, "person_search", ["P01"]),
    ("/persons", {"q": "张伟"}, "person_search", ["P01"]),
    ("/cases/{case}", {}, "case_read", ["P01"]),
])
def test_every_read_leaves_exactly_one_event(client, scene, graph_store, path, params, kind, persons):
    me = client.get("/me", headers=auth(scene["county_a"])).json()
    if "{case}" in path:
        path = path.format(case=_case_of_p01(client, scene))
    for _ in range(2):  # one event per read, every time
        before = _events(graph_store, client)
        r = client.get(path, params=params, headers=auth(scene["county_a"]))
        assert r.status_code == 200, r.text
        new = [e for e in _events(graph_store, client) if e not in before]
        assert len(new) == 1, new
        e = new[0]
        assert e["action"] == kind and persons[0] in (e.get("person_ids") or [e.get("person_id")])
        assert (e["by"], e["role"], e["division"]) == ("鹤城区数据员", "县级数据员", "431202")
        assert e["user_id"] == me["user_id"] and e["source"] == "testclient"
        assert abs(datetime.fromisoformat(e["at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    # an ID number typed as a search is kept masked in the audit, like everything shown
    if params.get("q", "").startswith("4312"):
        assert ID["P01"] not in str(new[0]) and new[0]["target"].startswith("id_number:")


def test_a_trail_read_out_of_scope_is_recorded_as_an_attempt(client, scene, graph_store):
    before = _events(graph_store, client)
    r = client.get("/persons/P04/trail", headers=auth(scene["county_a"]))
    assert r.status_code == 404
    new = [e for e in _events(graph_store, client) if e not in before]
    assert [(e["action"], e["person_id"], e["by"]) for e in new] == [("trail_read", "P04", "鹤城区数据员")]


def test_the_events_are_listed_per_person_and_division_wide(client, scene):
    client.get("/persons/P01/trail", headers=auth(scene["town_t1"]))
    mine = client.get("/persons/P01/audit", headers=auth(scene["auditor_a"])).json()["items"]
    assert any(e["action"] == "trail_read" and e["by"] == "城南镇专干" and e["source"] == "testclient" for e in mine)
    listed = client.get("/audit", params={"kind": "trail_read", "user": "城南镇专干", "person_id": "P01"},
                        headers=auth(scene["auditor_a"]))
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["total"] >= 1 and all(e["action"] == "trail_read" and e["by"] == "城南镇专干" for e in page["items"])
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    later = client.get("/audit", params={"since": future}, headers=auth(scene["auditor_a"])).json()
    assert later["total"] == 0
    # county B's auditor... county B's officer sees none of county A's reads of county A's children
    other = client.get("/audit", params={"user": "城南镇专干"}, headers=auth(scene["county_b"])).json()
    assert other["total"] == 0
    # only the audit readers; a time without a zone is refused naming the field
    assert client.get("/audit", headers=auth(scene["town_t1"])).status_code == 403
    naive = client.get("/audit", params={"since": "2025-10-20T08:00:00"}, headers=auth(scene["auditor_a"]))
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "since"


@pytest.mark.parametrize("failing", ["write", "sync"])
def test_a_read_whose_event_cannot_be_written_fails_and_shows_nothing(graph_settings, scene, graph_store, failing):
    # Real failures, no mock; the read goes through the whole app. ``write``: the disk
    # under the journal is full — the open segment is pointed at /dev/full (every write:
    # ENOSPC). ``sync``: the write is taken but the sync fails (the journal's sync thread)
    # — the segment is pointed at a pipe, which takes the bytes and refuses fdatasync
    # (EINVAL), as a disk failing under the page cache would answer. No background drain
    # while it runs: a drain seals the open segment and opens a fresh one, and a read that
    # came after it would write to the fresh file, not to the failing one (this raced in CI).
    settings = graph_settings.model_copy(update={"api_audit_drain_seconds": 3600})
    with api_client(graph_store, settings) as client:
        _failing_disk_reads(client, scene, graph_store, failing)


def _failing_target(failing: str) -> tuple[int, list[int]]:
    """The fd to put under the open segment, and the fds to close afterwards."""
    if failing == "write":
        full = os.open("/dev/full", os.O_WRONLY)
        return full, [full]
    read_end, write_end = os.pipe()
    return write_end, [read_end, write_end]


def _failing_disk_reads(client, scene, graph_store, failing: str) -> None:
    journal = client.app.state.audits
    case = _case_of_p01(client, scene)
    for path in ("/persons/P01/trail", "/persons/P01", f"/cases/{case}", "/persons"):
        before = _events(graph_store, client)
        target, opened = _failing_target(failing)
        try:
            os.dup2(target, journal._segment.fd)
            r = client.get(path, params={"q": "张伟"} if path == "/persons" else {}, headers=auth(scene["county_a"]))
        finally:
            for fd in opened:
                os.close(fd)
        assert r.status_code == 503, (path, r.text)
        assert r.json()["code"] == "AUDIT_UNAVAILABLE" and "磁盘" in r.json()["detail"]
        assert "张伟" not in r.text and r.headers["content-type"].startswith("application/problem+json")
        assert _events(graph_store, client) == before  # nothing shown, nothing recorded
        # the journal recovers on a fresh segment: the next read is served and recorded
        assert client.get(path, params={"q": "张伟"} if path == "/persons" else {},
                          headers=auth(scene["county_a"])).status_code == 200
        assert len(_events(graph_store, client)) == len(before) + 1
