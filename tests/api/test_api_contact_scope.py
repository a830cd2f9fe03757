"""A 三包 contact belongs to a county (the county its bundle rows point into, or the one it
was registered for): only officers of that county, of a division above it, or of a town
or school in it act on it or read its visit list; every target must be in the caller's
scope too; and out of scope answers exactly like an unknown contact id (404), so another
county's contact ids cannot be enumerated. (Issue 20: county 431221 took over a contact
of 431202 with a target of its own, and then read its full phone number.)"""

from __future__ import annotations

import io

import pytest
from api_client import auth
from api_scene import PHONE, TB
from openpyxl import load_workbook

pytestmark = pytest.mark.graph

P01, P04 = "P01", "P04"  # P01 in county A (431202), the contact C1's 包人 target; P04 in county B (431221)


def _assign(client, token: str, contact: str, target: str):
    return client.post(f"/contacts/{contact}/assignments", json={"duty_type": "包人", "targets": [target]},
                       headers=auth(token))


def _same_404(existing, unknown, existing_id: str, unknown_id: str) -> None:
    assert existing.status_code == unknown.status_code == 404, (existing.text, unknown.text)
    a, b = existing.json(), unknown.json()
    assert a["code"] == b["code"] == "NOT_FOUND"
    assert a["detail"].replace(existing_id, "X") == b["detail"].replace(unknown_id, "X")
    assert {k for k in a if k != "instance"} == {k for k in b if k != "instance"}


def test_another_county_cannot_take_over_a_contact_and_cannot_tell_it_exists(client, scene):
    b = scene["county_b"]
    _same_404(_assign(client, b, "C1", P04), _assign(client, b, "C-NOBODY", P04), "C1", "C-NOBODY")
    # nor through the school of that county, a replacement, a status change or the visit list
    _same_404(_assign(client, scene["school_s2"], "C1", P04), _assign(client, scene["school_s2"], "C-NOBODY", P04),
              "C1", "C-NOBODY")
    for path, body in [("status", {"status": "离岗"}),
                       ("releases", {"duty_type": "包人", "targets": [P04]})]:
        _same_404(client.post(f"/contacts/C1/{path}", json=body, headers=auth(b)),
                  client.post(f"/contacts/C-NOBODY/{path}", json=body, headers=auth(b)), "C1", "C-NOBODY")
    _same_404(client.get("/contacts/C1/visits", headers=auth(b)),
              client.get("/contacts/C-NOBODY/visits", headers=auth(b)), "C1", "C-NOBODY")
    # a contact of county B's own cannot be replaced by county A's contact either
    reg = client.post("/contacts", json={"contact_id": "C-B1", "name": "赵老师", "phone": "13900000001"},
                      headers=auth(b))
    assert reg.status_code == 201, reg.text
    swap = client.post("/contacts/C-B1/replacements", headers=auth(b),
                       json={"duty_type": "包人", "targets": [P04], "new_contact_id": "C1"})
    assert swap.status_code == 404 and swap.json()["code"] == "NOT_FOUND"
    # ... so county B's roster never shows county A's contact, nor its number
    roster = client.get("/contacts/roster", params={"town": TB, "reveal": True}, headers=auth(b))
    assert roster.status_code == 200
    cells = {str(c.value) for ws in load_workbook(io.BytesIO(roster.content)) for row in ws.iter_rows() for c in row}
    assert PHONE not in cells and "C1" not in cells


def test_officers_of_the_county_and_above_act_with_targets_in_scope(client, scene):
    ok = _assign(client, scene["county_a"], "C1", P01)
    assert ok.status_code == 201, ok.text
    assert _assign(client, scene["town_t1"], "C1", P01).status_code == 201
    assert _assign(client, scene["province"], "C1", P04).status_code == 201  # the province reaches both counties
    # a county A officer on a target of county B: the target is out of scope
    out = _assign(client, scene["county_a"], "C1", P04)
    assert out.status_code == 404 and out.json()["code"] == "NOT_FOUND"
    # county A cannot act on county B's registered contact, whether or not it exists
    reg = client.post("/contacts", json={"contact_id": "C-B2", "name": "钱老师"}, headers=auth(scene["county_b"]))
    assert reg.status_code == 201, reg.text
    _same_404(_assign(client, scene["county_a"], "C-B2", P01), _assign(client, scene["county_a"], "C-NONE", P01),
              "C-B2", "C-NONE")
    assert _assign(client, scene["county_b"], "C-B2", P04).status_code == 201


def test_a_wider_officer_registers_a_contact_for_a_named_county_in_scope(client, scene):
    province = auth(scene["province"])
    missing = client.post("/contacts", json={"contact_id": "C-P1", "name": "孙老师"}, headers=province)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "county"
    ok = client.post("/contacts", json={"contact_id": "C-P1", "name": "孙老师", "county": "431221"}, headers=province)
    assert ok.status_code == 201, ok.text
    assert _assign(client, scene["county_b"], "C-P1", P04).status_code == 201
    assert _assign(client, scene["county_a"], "C-P1", P01).status_code == 404
    other = client.post("/contacts", json={"contact_id": "C-A9", "name": "周老师", "county": "431221"},
                        headers=auth(scene["county_a"]))
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"
