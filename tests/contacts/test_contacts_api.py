"""The 三包 routes of the API (/contacts…) over the real local Neo4j, after one run of the
hand-made bundle: scoping (404 outside the caller's division), 403 for 只读审计, 422
naming the field, masking, the person trail, the visit list and the roster workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import api_client, auth
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from run_helpers import forget_history

from notoneless.access.users import Role, create_user
from notoneless.run import run_bundle

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parents[1] / "fixtures" / "handmade_bundle"
SOUTH = "431224101202"  # 城南村, 卢峰镇 431224101
USERS = {
    "town": ("卢峰镇专干", Role.TOWN, "431224101"),
    "other_town": ("低庄镇专干", Role.TOWN, "431224102"),
    "county": ("溆浦县数据员", Role.COUNTY, "431224"),
    "auditor": ("溆浦县审计", Role.AUDITOR, "431224"),
}


@pytest.fixture(scope="module")
def scene(graph_store, graph_settings, tmp_path_factory) -> Iterator[dict[str, str]]:
    graph_store.clear()
    forget_history(graph_settings)
    out = tmp_path_factory.mktemp("contacts-api") / "out"
    run_bundle(HANDMADE, out, graph_settings)
    with open(out / "entities.csv", encoding="utf-8") as f:
        persons = {r["record_key"]: r["person_id"] for r in csv.DictReader(f)}
    tokens = {key: create_user(graph_store, *spec) for key, spec in USERS.items()}
    yield {**tokens, **{f"person:{k}": v for k, v in persons.items()}}
    graph_store.clear()


@pytest.fixture(scope="module")
def client(graph_store, graph_settings, scene) -> Iterator[TestClient]:
    with api_client(graph_store, graph_settings) as c:
        yield c


def as_(scene: dict[str, str], who: str) -> dict[str, str]:
    return auth(scene[who])


def test_bulk_assignment_is_scoped_and_refused_to_the_auditor(client, scene):
    body = {"duty_type": "包人", "village": SOUTH, "note": "整村包保"}
    other = client.post("/contacts/LX001/assignments", json=body, headers=as_(scene, "other_town"))
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"
    auditor = client.post("/contacts/LX001/assignments", json=body, headers=as_(scene, "auditor"))
    assert auditor.status_code == 403 and auditor.json()["code"] == "ROLE_CANNOT_ACT"
    ok = client.post("/contacts/LX001/assignments", json=body, headers=as_(scene, "town"))
    assert ok.status_code == 201, ok.text
    done = ok.json()
    expected = sorted(scene[f"person:hukou:{n}"] for n in (5, 6, 18, 23))
    assert sorted(done["targets"]) == expected and len(done["event_ids"]) == 4 and done["batch_id"]
    # the assignment is in the trail of each child concerned, with who made it
    trail = client.get(f"/persons/{expected[0]}/trail", headers=as_(scene, "county")).json()
    assert any(a["contact_id"] == "LX001" and a["made_by"] == "卢峰镇专干" and a["batch_id"] == done["batch_id"]
               for a in trail["assignments"])
    assert any(c["contact_id"] == "LX001" and c["type"] == "包人" for c in trail["contacts"])
    # and in the person's audit trail, as an event of the officer who made it
    audit = client.get(f"/persons/{expected[0]}/audit", headers=as_(scene, "county")).json()["items"]
    mine = [e for e in audit if e["action"] == "contact_assign" and e["by"] == "卢峰镇专干"]
    assert len(mine) == 1 and mine[0]["assignment_id"] in done["event_ids"]


@pytest.mark.parametrize(("body", "field"), [
    ({"duty_type": "包组", "village": SOUTH}, "duty_type"),
    ({"duty_type": "包人", "village": "4312"}, "village"),
    ({"duty_type": "包人"}, "targets"),
    ({"duty_type": "包人", "targets": []}, "targets"),
])
def test_bad_input_is_422_naming_the_field(client, scene, body, field):
    r = client.post("/contacts/LX001/assignments", json=body, headers=as_(scene, "town"))
    assert r.status_code == 422, r.text
    assert field in [e["field"].split(".")[0] for e in r.json()["errors"]]


def test_unknown_targets_and_contacts_are_404(client, scene):
    r = client.post("/contacts/LX001/assignments", json={"duty_type": "包人", "targets": ["P-NOBODY"]},
                    headers=as_(scene, "town"))
    assert r.status_code == 404 and "P-NOBODY" in r.json()["detail"]
    r = client.post("/contacts/NOBODY/status", json={"status": "离岗"}, headers=as_(scene, "county"))
    assert r.status_code == 404


def test_register_replace_and_status_update_the_current_graph(client, scene):
    reg = client.post("/contacts", json={"contact_id": "LX200", "name": "新老师", "phone": "13900000200"},
                      headers=as_(scene, "town"))
    assert reg.status_code == 201, reg.text
    again = client.post("/contacts", json={"contact_id": "LX200", "name": "新老师"}, headers=as_(scene, "town"))
    assert again.status_code == 409 and again.json()["code"] == "CONTACT_EXISTS"
    rep = client.post("/contacts/LX002/replacements",
                      json={"duty_type": "包村", "targets": [SOUTH], "new_contact_id": "LX200"},
                      headers=as_(scene, "town"))
    assert rep.status_code == 201, rep.text
    village = client.get(f"/villages/{SOUTH}/contacts", headers=as_(scene, "town")).json()
    assert [(c["contact_id"], c["duty_status"]) for c in village["village_contacts"]] == [("LX200", "在岗")]
    off = client.post("/contacts/LX200/status", json={"status": "离岗", "note": "调离"}, headers=as_(scene, "town"))
    assert off.status_code == 201
    village = client.get(f"/villages/{SOUTH}/contacts", headers=as_(scene, "town")).json()
    assert [(c["contact_id"], c["duty_status"]) for c in village["village_contacts"]] == [("LX200", "离岗")]
    # the other town cannot see or change this contact
    other = client.post("/contacts/LX200/status", json={"status": "在岗"}, headers=as_(scene, "other_town"))
    assert other.status_code == 404


def test_visit_list_is_scoped_and_masked(client, scene):
    r = client.get("/contacts/LX006/visits", headers=as_(scene, "town"))
    assert r.status_code == 200, r.text
    listing = r.json()
    assert listing["month"] == "2025-10" and listing["as_of"] == "2025-10-15"
    assert listing["phone"] == "139****1006"
    zhang_wei = scene["person:hukou:2"]
    assert [(i["target"], i["last_visit"], i["status"]) for i in listing["items"]] == [
        (zhang_wei, "2025-10-01", "本月已走访")]
    earlier = client.get("/contacts/LX006/visits?month=2025-09", headers=as_(scene, "town")).json()
    assert earlier["as_of"] == "2025-09-30" and earlier["items"][0]["status"] == "逾期"
    assert client.get("/contacts/LX006/visits", headers=as_(scene, "other_town")).status_code == 404
    assert client.get("/contacts/LX006/visits?month=2025-13", headers=as_(scene, "town")).status_code == 422


def test_roster_download_is_scoped_and_masked(client, scene):
    r = client.get("/contacts/roster?town=431224101", headers=as_(scene, "town"))
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["包村", "包户", "包人"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width >= 8
    villages = {row[0]: row for row in wb["包村"].iter_rows(min_row=2, values_only=True)}
    assert set(villages) == {"431224101201", SOUTH}
    assert villages["431224101201"][3] == "LX001 向红军" and villages["431224101201"][5] == "139****1001"
    children = {row[0]: row for row in wb["包人"].iter_rows(min_row=2, values_only=True)}
    assert scene["person:hukou:15"] in children and "包人缺位" in children[scene["person:hukou:15"]][7]
    assert client.get("/contacts/roster?town=431224102", headers=as_(scene, "town")).status_code == 404
    assert client.get("/contacts/roster?town=431224101&reveal=true",
                      headers=as_(scene, "town")).status_code == 403
    before = client.get("/contacts/roster/reveals", headers=as_(scene, "auditor")).json()["total"]
    full = client.get("/contacts/roster?town=431224101&reveal=true", headers=as_(scene, "county"))
    rows = list(load_workbook(io.BytesIO(full.content))["包村"].iter_rows(min_row=2, values_only=True))
    assert "13907451001" in [row[5] for row in rows]
    # That download is an audit event the county's auditor sees; the masked ones are not.
    reveals = client.get("/contacts/roster/reveals", headers=as_(scene, "auditor")).json()
    assert reveals["total"] == before + 1
    event = reveals["items"][0]
    assert (event["action"], event["town"], event["by"], event["role"], event["fields"]) == (
        "roster_reveal", "431224101", USERS["county"][0], "县级数据员", ["contacts.phone"])
    assert client.get("/contacts/roster/reveals", headers=as_(scene, "town")).status_code == 403
