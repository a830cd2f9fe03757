"""A contact's visit list (GET /contacts/{id}/visits) masks household keys (a 户号 of 16
digits) and the contact's phone for every role; ``reveal=true`` shows them in full only to
the roles that may see full numbers (省级管理员, 县级数据员), and each read leaves exactly
one audit event: ``visit_list_read`` (masked) or ``reveal`` (naming what was shown in full).
(Issue 20: a household key was masked in /villages/…/contacts but shown in full here.)

And every audit of a read or reveal through the API goes through the one journal
(api/audits.py): a reveal of a person's numbers, of a visit list, of a roster is durable in
the server's journal before the answer, and reaches the graph when the journal is moved —
none is written to the graph on a path of its own."""

from __future__ import annotations

import io
import json

import pytest
from api_client import api_client, auth
from api_scene import HOUSEHOLD_P01, PHONE, T1, USERS
from openpyxl import load_workbook

from notoneless.api.audits import SEGMENT_GLOB

pytestmark = pytest.mark.graph

HOUSEHOLD = f"fupin:{HOUSEHOLD_P01}"


@pytest.fixture(scope="module")
def assigned(client, scene) -> None:
    r = client.post("/contacts/C1/assignments", json={"duty_type": "包户", "targets": [HOUSEHOLD]},
                    headers=auth(scene["county_a"]))
    assert r.status_code == 201, r.text


def _events(store, client) -> list[dict]:
    client.app.state.audits.publish()
    return store.execute_read(lambda tx: [r["e"] for r in tx.run(
        "MATCH (a:AuditEvent) RETURN a {.*, at: toString(a.at)} AS e ORDER BY a.at, a.event_id")])


def _read(client, store, token: str, **params) -> tuple[object, list[dict]]:
    before = {e["event_id"] for e in _events(store, client)}
    r = client.get("/contacts/C1/visits", params=params, headers=auth(token))
    return r, [e for e in _events(store, client) if e["event_id"] not in before]


@pytest.mark.parametrize("who", ["town_t1", "county_a", "province"])
def test_the_visit_list_masks_household_keys_and_the_phone_for_everyone(client, scene, graph_store, assigned, who):
    r, new = _read(client, graph_store, scene[who])
    assert r.status_code == 200, r.text
    listing = r.json()
    households = [i for i in listing["items"] if i["duty_type"] == "包户"]
    assert [i["target"] for i in households] == ["fupin:4312********0001"]
    assert HOUSEHOLD_P01 not in r.text and PHONE not in r.text and listing["revealed"] is False
    assert [(e["action"], e["person_ids"], e["target"], e["by"]) for e in new] == [
        ("visit_list_read", ["P01"], "contact:C1", USERS[who][0])]


@pytest.mark.parametrize("who", ["town_t1", "auditor_a"])
def test_roles_that_may_not_see_full_numbers_are_refused_a_reveal(client, scene, graph_store, assigned, who):
    r, new = _read(client, graph_store, scene[who], reveal="true")
    assert r.status_code in (403, 404), r.text
    if r.status_code == 403:
        assert r.json()["code"] == "REVEAL_NOT_ALLOWED"
    assert HOUSEHOLD_P01 not in r.text and PHONE not in r.text
    assert new == []  # nothing read, nothing shown


def test_a_county_officer_reveals_with_one_reveal_event(client, scene, graph_store, assigned):
    r, new = _read(client, graph_store, scene["county_a"], reveal="true")
    assert r.status_code == 200, r.text
    listing = r.json()
    assert listing["revealed"] is True and listing["phone"] == PHONE
    assert HOUSEHOLD in [i["target"] for i in listing["items"]]
    assert len(new) == 1
    e = new[0]
    assert (e["action"], e["person_ids"], e["target"], e["by"]) == ("reveal", ["P01"], "contact:C1/visits", "鹤城区数据员")
    assert set(e["fields"]) == {"contact.phone", "items.target"}


def _journal(settings) -> list[dict]:
    found = []
    for p in sorted(settings.paths.audit_journal.glob(SEGMENT_GLOB)):
        try:
            found.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines())
        except FileNotFoundError:  # moved meanwhile by its owner
            continue
    return found


def test_every_reveal_goes_through_the_journal(graph_store, graph_settings, scene, assigned):
    settings = graph_settings.model_copy(update={"api_audit_drain_seconds": 3600})  # no drain while the test runs
    # Segments of other apps may be in the shared test workspace (the module's client holds
    # one open): not deleted, only left out of what this test reads.
    earlier = {e["event_id"] for e in _journal(settings)}
    county = auth(scene["county_a"])
    with api_client(graph_store, settings) as c:
        c.app.state.audits.publish()
        in_graph = {r["id"] for r in graph_store.execute_read(
            lambda tx: tx.run("MATCH (a:AuditEvent) RETURN a.event_id AS id").data())}
        assert c.get("/persons/P01", params={"reveal": "true"}, headers=county).status_code == 200
        assert c.get("/contacts/C1/visits", params={"reveal": "true"}, headers=county).status_code == 200
        assert c.get("/contacts/roster", params={"town": T1, "reveal": "true"}, headers=county).status_code == 200
        journal = [e for e in _journal(settings) if e["event_id"] not in earlier]
        reveals = [e for e in journal if e["action"] in ("reveal", "roster_reveal")]
        assert [(e["action"], e["person_id"] or e["target"] or e["town"]) for e in reveals] == [
            ("reveal", "P01"), ("reveal", "contact:C1/visits"), ("roster_reveal", T1)]
        # durable in the journal only, not yet in the graph: no path of its own wrote them
        now = {r["id"] for r in graph_store.execute_read(
            lambda tx: tx.run("MATCH (a:AuditEvent) RETURN a.event_id AS id").data())}
        assert now == in_graph
        # the roster's reveals are listed (the listing moves the journal first)
        listed = c.get("/contacts/roster/reveals", headers=auth(scene["auditor_a"])).json()["items"]
        assert reveals[2]["event_id"] in {e["event_id"] for e in listed}
    moved = graph_store.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent) WHERE a.event_id IN $ids RETURN count(a) AS n", ids=[e["event_id"] for e in reveals]).single()["n"])
    assert moved == 3


@pytest.mark.parametrize("reveal", [False, True])
def test_every_roster_download_leaves_one_event_naming_the_children_it_lists(client, scene, graph_store, assigned,
                                                                             reveal):
    # A masked roster lists children too (person ids, names): it is a read of their data,
    # audited like the revealed one (issue 20: "every read of one child's data").
    before = {e["event_id"] for e in _events(graph_store, client)}
    r = client.get("/contacts/roster", params={"town": T1, "reveal": str(reveal).lower()},
                   headers=auth(scene["county_a"]))
    assert r.status_code == 200, r.text
    new = [e for e in _events(graph_store, client) if e["event_id"] not in before]
    children = sorted(row[0] for row in load_workbook(io.BytesIO(r.content))["包人"].iter_rows(min_row=2, values_only=True))
    assert children  # the scene's town has children to list
    assert [(e["action"], e["town"], sorted(e["person_ids"]), e["by"]) for e in new] == [
        ("roster_reveal" if reveal else "roster_read", T1, children, "鹤城区数据员")]
