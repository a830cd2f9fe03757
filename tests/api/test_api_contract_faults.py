"""The smaller contract faults of issue 20: every 422 names the field at fault, also when
the case logic raises it; a body that is not UTF-8 is a documented 400 problem; and the
visit list's ``month`` schema says what the route accepts (a year 0000 is refused by
the schema, naming ``month``); a 405 names every method of the path in Allow."""

from __future__ import annotations

import json
import re

import pytest
from api_client import auth

from notoneless.api.contract import openapi_text

pytestmark = pytest.mark.graph


def test_a_422_of_the_case_logic_names_the_field(client, scene):
    cases = client.get("/cases", headers=auth(scene["county_a"])).json()["items"]
    r = client.post(f"/cases/{cases[0]['case_id']}/transitions", json={"action": "飞走"},
                    headers=auth(scene["county_a"]))
    assert r.status_code == 422, r.text
    assert r.json()["errors"] and r.json()["errors"][0]["field"]


def test_a_body_that_is_not_utf8_is_a_documented_400(client, scene):
    r = client.post("/contacts", content=b'{"contact_id": "\xff\xfe"}',
                    headers={**auth(scene["county_a"]), "Content-Type": "application/json"})
    assert r.status_code in (400, 422) and r.headers["content-type"].startswith("application/problem+json")
    documented = json.loads(openapi_text())["paths"]["/contacts"]["post"]["responses"]
    assert str(r.status_code) in documented


def test_the_month_schema_agrees_with_the_route(client, scene):
    spec = json.loads(openapi_text())
    params = spec["paths"]["/contacts/{contact_id}/visits"]["get"]["parameters"]
    month = next(p for p in params if p["name"] == "month")["schema"]
    pattern = next(s["pattern"] for s in month.get("anyOf", [month]) if "pattern" in s)
    assert not re.match(pattern, "0000-01") and re.match(pattern, "2025-09")
    r = client.get("/contacts/C1/visits", params={"month": "0000-01"}, headers=auth(scene["county_a"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "month"


def test_options_names_every_method_of_the_path(client, scene):
    # GET /decisions and POST /decisions are two routes; Starlette's 405 named the first only
    r = client.options("/decisions", headers=auth(scene["county_a"]))
    assert r.status_code == 405 and r.headers["content-type"].startswith("application/problem+json")
    assert sorted(m.strip() for m in r.headers["allow"].split(",")) == ["GET", "POST"]
    r = client.delete("/decisions/D1/withdraw", headers=auth(scene["county_a"]))
    assert r.status_code == 405 and r.headers["allow"] == "POST"
