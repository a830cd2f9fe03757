"""Access through the ASGI app on the real local Neo4j: 401 without a valid token, and
the scope of every role (out of scope is 404, never 403)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_client import auth
from api_scene import ID, RUN_ID, S1, USERS, V1, V4
from fastapi.testclient import TestClient

from notoneless.api.app import create_app

pytestmark = pytest.mark.graph


def test_no_token_is_401_problem(client) -> None:
    r = client.get("/persons/P01")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["www-authenticate"] == "Bearer"
    body = r.json()
    assert body["code"] == "UNAUTHENTICATED" and body["status"] == 401 and body["title"]


@pytest.mark.parametrize("header", ["Bearer nol_not-a-real-token", "Bearer ", "Basic abc", "nol_x"])
def test_invalid_token_is_401(client, header: str) -> None:
    r = client.get("/me", headers={"Authorization": header})
    assert r.status_code == 401
    assert r.json()["code"] == "UNAUTHENTICATED"


def test_health_needs_no_token(client) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_me(client, scene) -> None:
    body = client.get("/me", headers=auth(scene["town_t1"])).json()
    assert body.pop("user_id").startswith("U-")
    assert body == {"name": USERS["town_t1"][0], "role": "乡镇专干", "division": "431202101",
                    "can_act": True, "can_reveal": False}


# (user, person, visible): P01 in town T1 of county A; P02 in town T2 of county A, student
# at S1; P03 registered in county B, student at S1 in county A (cross-county); P04 in B.
SCOPE = [
    ("province", "P01", True), ("province", "P03", True), ("province", "P04", True),
    ("county_a", "P01", True), ("county_a", "P02", True), ("county_a", "P03", True), ("county_a", "P04", False),
    ("county_b", "P01", False), ("county_b", "P02", False), ("county_b", "P03", True), ("county_b", "P04", True),
    ("town_t1", "P01", True), ("town_t1", "P02", False), ("town_t1", "P03", False), ("town_t1", "P04", False),
    ("town_t2", "P01", False), ("town_t2", "P02", True), ("town_t2", "P03", False),
    ("school_s1", "P01", False), ("school_s1", "P02", True), ("school_s1", "P03", True), ("school_s1", "P04", False),
    ("school_s2", "P02", False), ("school_s2", "P03", False),
    ("auditor_a", "P01", True), ("auditor_a", "P03", True), ("auditor_a", "P04", False),
]  # fmt: skip


@pytest.mark.parametrize(("user", "person", "visible"), SCOPE, ids=[f"{u}-{p}" for u, p, _ in SCOPE])
@pytest.mark.parametrize("path", ["/persons/{p}", "/persons/{p}/trail"])
def test_person_scope(client, scene, user: str, person: str, visible: bool, path: str) -> None:
    r = client.get(path.format(p=person), headers=auth(scene[user]))
    assert r.status_code == (200 if visible else 404), r.text
    if visible:
        assert r.json()["person"]["person_id"] == person
    else:
        assert r.json()["code"] == "NOT_FOUND"


def test_unknown_person_and_out_of_scope_person_look_the_same(client, scene) -> None:
    out_of_scope = client.get("/persons/P04", headers=auth(scene["town_t1"]))
    unknown = client.get("/persons/P99", headers=auth(scene["town_t1"]))
    assert out_of_scope.status_code == unknown.status_code == 404
    assert out_of_scope.json()["detail"].replace("P04", "X") == unknown.json()["detail"].replace("P99", "X")


def test_search_is_scoped(client, scene) -> None:
    # 张伟 (P01, town T1) and 章伟 (P02, town T2) are homophones: a county officer finds both,
    # a town officer only their own.
    county = client.get("/persons", params={"q": "张伟"}, headers=auth(scene["county_a"])).json()
    assert [h["person"]["person_id"] for h in county["items"]] == ["P01", "P02"]
    town = client.get("/persons", params={"q": "张伟"}, headers=auth(scene["town_t1"])).json()
    assert [h["person"]["person_id"] for h in town["items"]] == ["P01"]
    other = client.get("/persons", params={"q": ID["P01"]}, headers=auth(scene["county_b"])).json()
    assert other["items"] == [] and other["total"] == 0


def _case_people(client, token: str) -> set[str]:
    """The persons of the caller's cases (a 包村缺位 case is about a village, not a person)."""
    body = client.get("/cases", headers=auth(token)).json()
    return {c["person_id"] for c in body["items"] if c["person_id"]}


def test_town_officer_sees_only_their_towns_cases(client, scene) -> None:
    assert _case_people(client, scene["province"]) >= {"P01", "P03", "P04"}
    assert "P01" in _case_people(client, scene["town_t1"])
    assert _case_people(client, scene["town_t1"]) <= {"P01"}
    villages = [c for c in client.get("/cases", headers=auth(scene["town_t1"])).json()["items"] if not c["person_id"]]
    assert all(c["responsible_village"].startswith("431202101") for c in villages)
    assert "P04" not in _case_people(client, scene["county_a"])
    assert _case_people(client, scene["county_b"]) >= {"P03", "P04"}
    assert "P01" not in _case_people(client, scene["county_b"])


def test_case_detail_out_of_scope_is_404(client, scene) -> None:
    items = client.get("/cases", params={"person_id": "P01"}, headers=auth(scene["county_a"])).json()["items"]
    assert items, "the scene opens a case for P01"
    case_id = items[0]["case_id"]
    assert client.get(f"/cases/{case_id}", headers=auth(scene["town_t1"])).status_code == 200
    for user in ("county_b", "town_t2", "school_s1"):
        r = client.get(f"/cases/{case_id}", headers=auth(scene[user]))
        assert r.status_code == 404, user


def test_cross_county_student_findings_visible_to_both_counties(client, scene) -> None:
    for user in ("county_a", "county_b", "school_s1", "province"):
        body = client.get("/findings", params={"kind": "cross_county_students"}, headers=auth(scene[user])).json()
        assert [f["person_id"] for f in body["items"]] == ["P03"], user
    for user in ("town_t1", "school_s2"):
        body = client.get("/findings", params={"kind": "cross_county_students"}, headers=auth(scene[user])).json()
        assert body["items"] == [], user


def test_findings_filters(client, scene) -> None:
    token = scene["province"]
    every = client.get("/findings", params={"kind": "unmatched_children"}, headers=auth(token)).json()
    assert {f["person_id"] for f in every["items"]} == {"P01", "P04"}
    in_a = client.get("/findings", params={"kind": "unmatched_children", "county": "431202"}, headers=auth(token)).json()
    assert [f["person_id"] for f in in_a["items"]] == ["P01"]
    in_t2 = client.get("/findings", params={"town": "431202102", "kind": "unmatched_children"}, headers=auth(token)).json()
    assert in_t2["items"] == []
    by_run = client.get("/findings", params={"run_id": RUN_ID}, headers=auth(token)).json()
    assert by_run["total"] == every["total"] + len(
        client.get("/findings", params={"kind": "cross_county_students"}, headers=auth(token)).json()["items"]
    ) + sum(1 for k in ("duplicate_subsidies", "missed_subsidies", "contact_gaps")
            for _ in client.get("/findings", params={"kind": k}, headers=auth(token)).json()["items"])
    assert client.get("/findings", params={"run_id": "no-such-run"}, headers=auth(token)).json()["total"] == 0


def test_village_contacts_scope(client, scene) -> None:
    assert client.get(f"/villages/{V1}/contacts", headers=auth(scene["town_t1"])).status_code == 200
    assert client.get(f"/villages/{V1}/contacts", headers=auth(scene["county_b"])).status_code == 404
    assert client.get(f"/villages/{V4}/contacts", headers=auth(scene["town_t1"])).status_code == 404
    assert client.get(f"/villages/{V1}/gaps", headers=auth(scene["school_s1"])).status_code == 404
    gaps = client.get(f"/villages/{V1}/gaps", headers=auth(scene["county_a"])).json()
    assert gaps["items"] and all(f["kind"] == "contact_gaps" for f in gaps["items"])


def test_read_only_auditor_cannot_act_and_town_officer_can(client, scene) -> None:
    case_id = client.get("/cases", params={"person_id": "P01"}, headers=auth(scene["town_t1"])).json()["items"][0]["case_id"]

    def trail_case() -> tuple[str, int]:  # the case as the person's trail shows it
        cases = client.get("/persons/P01/trail", headers=auth(scene["town_t1"])).json()["cases"]
        return next((c["state"], c["version"]) for c in cases if c["case_id"] == case_id)

    assert trail_case() == ("待核实", 1)
    denied = client.post(f"/cases/{case_id}/transitions", json={"action": "start_verification"},
                         headers=auth(scene["auditor_a"]))
    assert denied.status_code == 403 and denied.json()["code"] == "ROLE_CANNOT_ACT"
    hidden = client.post(f"/cases/{case_id}/transitions", json={"action": "start_verification"},
                         headers=auth(scene["county_b"]))
    assert hidden.status_code == 404
    done = client.post(f"/cases/{case_id}/transitions", json={"action": "start_verification", "expected_version": 1},
                       headers=auth(scene["town_t1"]))
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["case"]["state"] == "核实中"
    assert body["events"][-1]["by"] == USERS["town_t1"][0]
    assert body["events"][-1]["action"] == "start_verification"
    assert trail_case() == ("核实中", body["case"]["version"]) and body["case"]["version"] == 2  # the next trail read
    # the same version again: someone (here: the same officer) acted first
    again = client.post(f"/cases/{case_id}/transitions", json={"action": "start_verification", "expected_version": 1},
                        headers=auth(scene["town_t1"]))
    assert again.status_code == 409 and again.json()["code"] == "CASE_CONFLICT"


def test_exclusion_with_evidence_reference(client, scene) -> None:
    case_id = client.get("/cases", params={"person_id": "P04"}, headers=auth(scene["county_b"])).json()["items"][0]["case_id"]
    assert client.post(f"/cases/{case_id}/transitions", json={"action": "start_verification"},
                       headers=auth(scene["county_b"])).status_code == 200
    missing = client.post(f"/cases/{case_id}/transitions", json={"action": "exclude", "reason": "B2"},
                          headers=auth(scene["county_b"]))
    assert missing.status_code in (409, 422) and missing.json()["code"].startswith("CASE_")
    ok = client.post(
        f"/cases/{case_id}/transitions",
        json={"action": "exclude", "reason": "B2",
              "evidence": ["xueji_no=G431221201607070420", "xueji_province=43", "school_name=中方小学"]},
        headers=auth(scene["county_b"]),
    )
    assert ok.status_code == 200, ok.text
    last = ok.json()["events"][-1]
    assert last["reason_code"] == "B2" and any(e.startswith("xueji_no=") for e in last["evidence"])
    assert "431221201607070420" not in ok.text  # evidence holding an ID number is masked too


def test_school_sees_its_students_cross_county(client, scene) -> None:
    body = client.get("/persons", params={"q": "李娜"}, headers=auth(scene["school_s1"])).json()
    assert [h["person"]["person_id"] for h in body["items"]] == ["P03"]
    assert client.get("/persons", params={"q": "李娜"}, headers=auth(scene["school_s2"])).json()["items"] == []
    assert S1  # the school of the scene


def test_runs_are_listed(client, scene) -> None:
    body = client.get("/runs", headers=auth(scene["town_t1"])).json()
    assert [r["run_id"] for r in body["items"]] == [RUN_ID]
    # the town sees the findings in its scope (P01's), not the province's 2 (issue 20)
    assert body["items"][0]["summary"]["findings"]["unmatched_children"] == 1
    assert client.get(f"/runs/{RUN_ID}", headers=auth(scene["province"])).json()["persons"] == 4
    assert client.get(f"/runs/{RUN_ID}", headers=auth(scene["town_t1"])).json().get("persons") is None
    assert client.get("/runs/nope", headers=auth(scene["town_t1"])).status_code == 404


def test_users_add_prints_the_token_once_and_stores_only_its_hash(graph_store, graph_settings, scene, capsys) -> None:
    from rich.console import Console

    from notoneless.access.users import hash_token
    from notoneless.commands.api import users_add
    from notoneless.errors import AccessError

    token = users_add(graph_settings, Console(), "新来的专干", "乡镇专干", "431202102", replace=False, by="省管理员")
    assert capsys.readouterr().out.splitlines()[-1] == token
    stored = graph_store.query("api/users/list", division=None)
    assert {"name": "新来的专干", "role": "乡镇专干", "division": "431202102"}.items() <= next(
        u for u in stored if u["name"] == "新来的专干").items()
    node = graph_store.query("api/users/by_token", token_sha256=hash_token(token))
    assert [{k: v for k, v in n.items() if k != "user_id"} for n in node] == [
        {"name": "新来的专干", "role": "乡镇专干", "division": "431202102"}]
    assert node[0]["user_id"].startswith("U-")  # a stable id, kept when the token is re-issued
    with pytest.raises(AccessError):
        users_add(graph_settings, Console(), "新来的专干", "乡镇专干", "431202102", replace=False, by="省管理员")
    with pytest.raises(AccessError):
        users_add(graph_settings, Console(), "错的辖区", "乡镇专干", "4312", replace=False, by="省管理员")
    uncached = graph_settings.model_copy(update={"api_caller_ttl_seconds": 0})
    with TestClient(create_app(uncached, store=graph_store)) as c:
        assert c.get("/me", headers=auth(token)).json()["division"] == "431202102"
        renewed = users_add(graph_settings, Console(), "新来的专干", "乡镇专干", "431202102", replace=True,
                            by="省管理员")
        assert c.get("/me", headers=auth(token)).status_code == 401  # the old token no longer works
        assert c.get("/me", headers=auth(renewed)).status_code == 200


def test_a_reissued_token_stops_working_once_the_caller_cache_expires(graph_store, graph_settings, scene) -> None:
    from notoneless.access.users import Role, create_user, hash_token
    from notoneless.api.callers import CallerCache

    now = [1000.0]
    app = create_app(graph_settings, store=graph_store)
    app.state.callers = CallerCache(5.0, timer=lambda: now[0])
    old = create_user(graph_store, "轮换令牌的专干", Role.TOWN, "431202101")
    with TestClient(app) as c:
        assert c.get("/me", headers=auth(old)).status_code == 200
        new = create_user(graph_store, "轮换令牌的专干", Role.TOWN, "431202101", replace=True)
        assert c.get("/me", headers=auth(new)).status_code == 200  # a new token is looked up at once
        now[0] += 4.9
        assert c.get("/me", headers=auth(old)).status_code == 200  # remembered for up to 5 s
        now[0] += 0.2
        assert c.get("/me", headers=auth(old)).status_code == 401
        # an unknown token is never remembered: once issued, it works on the next request
        unknown = "nol_" + "x" * 43
        assert c.get("/me", headers=auth(unknown)).status_code == 401
        graph_store.query("api/users/create", name="后发的专干", role=Role.TOWN.value, division="431202101",
                          token_sha256=hash_token(unknown), user_id="U-000000000001", at=datetime.now(UTC).isoformat(),
                          expires_at=(datetime.now(UTC) + timedelta(days=90)).isoformat(), replace=False,
                          change_id="UC-test", made_by=None, actor_id=None, actor_role=None, actor_division=None)
        assert c.get("/me", headers=auth(unknown)).json()["name"] == "后发的专干"
