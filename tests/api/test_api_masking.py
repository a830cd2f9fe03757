"""Masking of ID and phone numbers, the audited reveal, and problem responses — through
the ASGI app on the real local Neo4j."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_client import auth
from api_scene import ID, PHONE, USERS, V1, XUEJI_P02
from fastapi.testclient import TestClient

from notoneless.access.masking import mask_id, mask_phone, mask_text
from notoneless.api.app import create_app

pytestmark = pytest.mark.graph

FULL_NUMBERS = [*ID.values(), PHONE]


def _no_full_numbers(text: str) -> None:
    for number in FULL_NUMBERS:
        assert number not in text


def test_mask_functions() -> None:
    assert mask_id("43122520120305123X") == "4312**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_text(f"学籍号 G{ID['P01']}，电话 {PHONE}") == f"学籍号 G{mask_id(ID['P01'])}，电话 138****5678"
    assert mask_text("区划 431202101001 学校 3143000001") == "区划 431202101001 学校 3143000001"


@pytest.mark.parametrize("path", ["/persons/P01", "/persons/P01/trail", "/persons/P02", "/persons/P02/trail",
                                  f"/villages/{V1}/contacts", "/findings", "/cases", f"/persons?q={ID['P02']}",
                                  f"/persons?q={XUEJI_P02}", "/persons?q=zhangwei"])
def test_numbers_are_masked_by_default(client, scene, path: str) -> None:
    r = client.get(path, headers=auth(scene["province"]))
    assert r.status_code == 200, r.text
    _no_full_numbers(r.text)


def test_detail_shows_masked_forms(client, scene) -> None:
    body = client.get("/persons/P02", headers=auth(scene["county_a"])).json()
    assert body["revealed"] is False
    assert body["person"]["id_number"] == mask_id(ID["P02"])
    xueji = next(r for r in body["records"] if r["source"] == "xueji")
    assert xueji["xueji_no"] == "G" + ID["P02"][:3] + "*" * 11 + ID["P02"][-4:]
    trail = client.get("/persons/P01/trail", headers=auth(scene["county_a"])).json()
    assert [c["phone"] for c in trail["contacts"]] == ["138****5678"]


def _audit(client, token: str, person: str) -> list[dict]:
    return client.get(f"/persons/{person}/audit", headers=auth(token)).json()["items"]


def test_reveal_is_allowed_to_county_officer_and_audited(client, scene) -> None:
    before = len(_audit(client, scene["county_a"], "P02"))
    r = client.get("/persons/P02", params={"reveal": "true"}, headers=auth(scene["county_a"]))
    assert r.status_code == 200
    body = r.json()
    assert body["revealed"] is True and body["person"]["id_number"] == ID["P02"]
    assert XUEJI_P02 in r.text
    events = _audit(client, scene["auditor_a"], "P02")
    assert len(events) == before + 1
    newest = events[0]
    assert newest["by"] == USERS["county_a"][0] and newest["role"] == "县级数据员" and newest["action"] == "reveal"
    assert "person.id_number" in newest["fields"] and "records.xueji_no" in newest["fields"]
    assert newest["at"]


@pytest.mark.parametrize("user", ["town_t2", "school_s1", "auditor_a"])
def test_reveal_is_refused_to_other_roles_and_not_audited(client, scene, user: str) -> None:
    before = len(_audit(client, scene["province"], "P02"))
    r = client.get("/persons/P02", params={"reveal": "true"}, headers=auth(scene[user]))
    assert r.status_code == 403 and r.json()["code"] == "REVEAL_NOT_ALLOWED"
    _no_full_numbers(r.text)
    assert len(_audit(client, scene["province"], "P02")) == before


def test_reveal_out_of_scope_is_404_not_403(client, scene) -> None:
    r = client.get("/persons/P01", params={"reveal": "true"}, headers=auth(scene["county_b"]))
    assert r.status_code == 404


def test_audit_events_are_never_changed_by_any_query() -> None:
    queries = Path(__file__).resolve().parents[2] / "graph_schema" / "queries"
    writers = []
    for path in queries.rglob("*.cypher"):
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
        if "AuditEvent" in code and re.search(r"\b(SET|REMOVE|DELETE|MERGE)\b", code):
            writers.append(path.relative_to(queries).as_posix())
    assert writers == ["api/audit/record.cypher"]  # it CREATEs the node and sets it in the same statement


# --- problems -------------------------------------------------------------------------


def _problem(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].startswith("urn:notoneless:problem:")
    assert re.search(r"[\u4e00-\u9fff]", body["title"]), "the title is Chinese"
    return body


@pytest.mark.parametrize(
    ("path", "params", "fields"),
    [
        ("/persons", {"q": "张伟", "limit": 0}, ["limit"]),
        ("/persons", {}, ["q"]),
        ("/findings", {"county": "43abc", "offset": -1}, ["offset", "county"]),
        ("/findings", {"kind": "no_such_kind"}, ["kind"]),
        ("/cases", {"state": "不存在"}, ["state"]),
        (f"/villages/{V1[:9]}/contacts", {}, ["village"]),
        ("/linkage/explain", {"a": "hukou:1"}, ["b"]),
    ],
)
def test_bad_parameters_name_the_field(client, scene, path: str, params: dict, fields: list[str]) -> None:
    body = _problem(client.get(path, params=params, headers=auth(scene["county_a"])), 422, "VALIDATION_ERROR")
    assert sorted({e["field"] for e in body["errors"]}) == sorted(fields)


def test_bad_body_names_the_field(client, scene) -> None:
    case_id = client.get("/cases", params={"person_id": "P01"}, headers=auth(scene["county_a"])).json()["items"][0]["case_id"]
    r = client.post(f"/cases/{case_id}/transitions", json={"action": "", "surprise": 1}, headers=auth(scene["county_a"]))
    body = _problem(r, 422, "VALIDATION_ERROR")
    assert {e["field"] for e in body["errors"]} == {"action", "surprise"}
    # what the schema lists (actions, evidence as 种类=编号, JSON types) is checked as the schema says
    bad = client.post(f"/cases/{case_id}/transitions", headers=auth(scene["county_a"]), json={
        "action": "fly", "evidence": ["xueji_no=G1", ""], "deadline": 0, "expected_version": "1"})
    body = _problem(bad, 422, "VALIDATION_ERROR")
    assert {e["field"] for e in body["errors"]} == {"action", "evidence.1", "deadline", "expected_version"}


def test_unknown_path_and_method(client, scene) -> None:
    _problem(client.get("/nowhere", headers=auth(scene["county_a"])), 404, "NOT_FOUND")
    _problem(client.delete("/runs", headers=auth(scene["county_a"])), 405, "METHOD_NOT_ALLOWED")


def test_explain_out_of_scope_is_404(client, scene) -> None:
    _problem(client.get("/linkage/explain", params={"a": "hukou:1", "b": "fupin:1"}, headers=auth(scene["county_b"])),
             404, "NOT_FOUND")


def test_no_stack_trace_leaves_the_server(graph_store, graph_settings, scene) -> None:
    app = create_app(graph_settings, store=graph_store)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail in /srv/notoneless/app.py line 42")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    body = _problem(r, 500, "INTERNAL_ERROR")
    assert "secret" not in r.text and "Traceback" not in r.text and "app.py" not in r.text
    assert set(body) == {"type", "title", "status", "detail", "code"}
