"""The review queue and decisions through the HTTP API, over a real run of the hand-made
bundle on the local Neo4j: scoped like everything else (404 outside the caller's
division), read-only 只读审计 refused (403), 422 naming the field, audited, in the trail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_client import api_client, auth
from decision_bundles import HANDMADE
from fastapi.testclient import TestClient
from run_helpers import forget_history

from notoneless.access.users import Role, create_user
from notoneless.run import run_bundle

pytestmark = pytest.mark.graph

COUNTY = "431224"  # 溆浦县; the review item of the bundle (张伟 and his namesake) spans it and 431226


@pytest.fixture(scope="module")
def tokens(graph_store, graph_settings, tmp_path_factory) -> Iterator[dict[str, str]]:
    graph_store.clear()
    forget_history(graph_settings)
    run_bundle(HANDMADE, tmp_path_factory.mktemp("out"), graph_settings)
    users = {
        "province": (Role.PROVINCE, "43"),
        "county": (Role.COUNTY, COUNTY),
        "other_town": (Role.TOWN, "431224199"),
        "auditor": (Role.AUDITOR, "43"),
    }
    yield {who: create_user(graph_store, f"decisions-{who}", role, division) for who, (role, division) in users.items()}
    graph_store.clear()


@pytest.fixture(scope="module")
def client(graph_store, graph_settings, tokens) -> Iterator[TestClient]:
    with api_client(graph_store, graph_settings) as c:
        yield c


def as_(tokens: dict[str, str], who: str) -> dict[str, str]:
    return auth(tokens[who])


def test_queue_item_decide_withdraw(client, tokens) -> None:
    # every undecided conflict (auto): those whose decision changes something (queued), and
    # those left to the threshold; the queue itself holds the first only
    page = client.get("/reviews", params={"auto": True}, headers=as_(tokens, "province")).json()
    assert page["total"] >= 1 and page["items"]
    importance = [i["importance"] for i in page["items"]]
    assert importance == sorted(importance, reverse=True)
    queue = client.get("/reviews", headers=as_(tokens, "province")).json()
    assert {i["review_id"] for i in queue["items"]} == {i["review_id"] for i in page["items"] if i["queued"] is not False}
    for i in page["items"]:
        # queued: its decision changes something, and the ID numbers do not settle it
        assert i["queued"] == (bool(i["consequences"]) and not i["auto_reason"]), i
        if i["queued"]:
            assert i["consequence"].startswith("决定为")
        elif i["auto_reason"]:
            assert i["consequence"].endswith(f"（{i['auto_reason']}）")
        else:
            assert i["consequence"] == "决定后：不改变任何问题线索、案件或资助"
    item = page["items"][0]
    a, b = item["record_key_a"], item["record_key_b"]
    assert item["review_id"] in {i["review_id"] for i in client.get(
        "/reviews", params={"auto": True}, headers=as_(tokens, "county")).json()["items"]}
    # outside the division: the queue is empty and the item does not exist
    assert client.get("/reviews", params={"auto": True}, headers=as_(tokens, "other_town")).json()["total"] == 0
    assert client.get(f"/reviews/{item['review_id']}", headers=as_(tokens, "other_town")).status_code == 404

    detail = client.get(f"/reviews/{item['review_id']}", headers=as_(tokens, "province")).json()
    assert [r["record_key"] for r in detail["records"]] == [a, b]
    for r in detail["records"]:  # numbers masked, fingerprints not shown
        assert "fingerprint" not in r and (r.get("id_raw") is None or "*" in r["id_raw"])
    assert detail["explanation"]["rows"] and detail["explanation"]["decision"]

    body = {"record_key_a": a, "record_key_b": b, "verdict": "different", "note": "双胞胎，核实为两人"}
    # both records must be in the caller's scope: the county sees the item but cannot decide on the other county's record
    assert [r["person_id"] for r in detail["records"]] == [item["person_id_a"], item["person_id_b"]]
    assert client.post("/decisions", json=body, headers=as_(tokens, "county")).status_code == 404
    assert client.post("/decisions", json=body, headers=as_(tokens, "other_town")).status_code == 404
    refused = client.post("/decisions", json=body, headers=as_(tokens, "auditor"))
    assert refused.status_code == 403 and refused.json()["code"] == "ROLE_CANNOT_ACT"
    bad = client.post("/decisions", json={**body, "verdict": "maybe"}, headers=as_(tokens, "province"))
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["verdict"]
    same = client.post("/decisions", json={**body, "record_key_b": a}, headers=as_(tokens, "province"))
    assert same.status_code == 422 and same.json()["errors"][0]["field"] == "record_key_b"

    made = client.post("/decisions", json=body, headers=as_(tokens, "province"))
    assert made.status_code == 201, made.text
    decision = made.json()
    assert decision["verdict"] == "different" and decision["decided_by"] == "decisions-province"
    # decided: out of the queue (still listed with ?decided=true)
    assert item["review_id"] not in {i["review_id"] for i in client.get(
        "/reviews", params={"auto": True}, headers=as_(tokens, "province")).json()["items"]}
    decided = client.get("/reviews", params={"decided": True, "auto": True}, headers=as_(tokens, "province")).json()["items"]
    assert {i["review_id"]: i["decided"] for i in decided}[item["review_id"]] == "different"
    # listed, scoped; in the audit and the trail of the persons concerned
    listed = client.get("/decisions", headers=as_(tokens, "county")).json()  # one record in its county: listed
    assert [d["decision_id"] for d in listed["items"]] == [decision["decision_id"]]
    assert listed["items"][0]["standing"] == "有效"
    assert client.get("/decisions", headers=as_(tokens, "other_town")).json()["total"] == 0
    for pid in {item["person_id_a"], item["person_id_b"]}:
        audit = client.get(f"/persons/{pid}/audit", headers=as_(tokens, "auditor")).json()["items"]
        assert decision["decision_id"] in {e.get("decision_id") for e in audit}
        trail = client.get(f"/persons/{pid}/trail", headers=as_(tokens, "province")).json()
        assert decision["decision_id"] in {d["decision_id"] for d in trail["decisions"]}

    path = f"/decisions/{decision['decision_id']}/withdraw"
    assert client.post(path, json={}, headers=as_(tokens, "other_town")).status_code == 404
    assert client.post(path, json={}, headers=as_(tokens, "county")).status_code == 404
    assert client.post(path, json={}, headers=as_(tokens, "auditor")).status_code == 403
    withdrawn = client.post(path, json={"note": "录入错误"}, headers=as_(tokens, "province"))
    assert withdrawn.status_code == 201 and withdrawn.json()["withdraws"] == decision["decision_id"]
    again = client.post(path, json={}, headers=as_(tokens, "province"))
    assert again.status_code == 409 and again.json()["code"] == "DECISION_ALREADY_WITHDRAWN"
    # back in the queue
    assert item["review_id"] in {i["review_id"] for i in client.get("/reviews", params={"auto": True}, headers=as_(tokens, "province")).json()["items"]}
    standings = {d["decision_id"]: d["standing"] for d in client.get("/decisions", headers=as_(tokens, "county")).json()["items"]}
    assert standings == {decision["decision_id"]: "已撤回", withdrawn.json()["decision_id"]: "撤回记录"}


def _cli(args: list[str], settings) -> object:
    from typer.testing import CliRunner

    from notoneless.cli import app
    from notoneless.config import get_settings

    env = {"NOTONELESS_WORKSPACE": str(settings.workspace), "NOTONELESS_GRAPH_PORT": str(settings.graph_port),
           "COLUMNS": "240"}  # wide enough that no id is folded across lines
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()


def test_cli_reviews_and_decisions(graph_store, graph_settings, tokens, tmp_path) -> None:
    from notoneless.decisions.queue import list_reviews

    _, items = list_reviews(graph_store, decided=True, auto=True)
    item = items[0]
    listed = _cli(["reviews", "list", "--county", COUNTY, "--decided", "--auto"], graph_settings)
    assert listed.exit_code == 0, listed.output
    assert item["review_id"] in listed.output and "待核身份冲突" in listed.output
    shown = _cli(["reviews", "show", item["review_id"]], graph_settings)
    assert shown.exit_code == 0, shown.output
    assert "两条记录对照" in shown.output and "合计" in shown.output and "结论" in shown.output

    bad = _cli(["decisions", "add", item["record_key_a"], item["record_key_b"], "--verdict", "maybe", "--by", "decisions-county"],
               graph_settings)
    assert bad.exit_code != 0 and "same" in str(bad.exception)
    stranger = _cli(["decisions", "add", item["record_key_a"], item["record_key_b"], "--verdict", "同一人",
                     "--by", "李科员"], graph_settings)  # a name that is no registered user
    assert stranger.exception is not None and stranger.exception.code == "USER_UNKNOWN", stranger.output
    reader = _cli(["decisions", "add", item["record_key_a"], item["record_key_b"], "--verdict", "同一人",
                   "--by", "decisions-auditor"], graph_settings)
    assert reader.exception is not None and reader.exception.code == "ROLE_CANNOT_ACT", reader.output
    added = _cli(["decisions", "add", item["record_key_a"], item["record_key_b"], "--verdict", "同一人",
                  "--by", "decisions-province", "--note", "核实为同一人"], graph_settings)
    assert added.exit_code == 0, added.output
    assert "已记录判定" in added.output
    stored = graph_store.execute_read(lambda tx: tx.run(
        "MATCH (d:IdentityDecision) WHERE $a IN [d.record_key_a, d.record_key_b] RETURN d.decided_by AS by, d.role AS role, d.actor_id AS id, "
        "d.actor_role AS actor_role, d.actor_division AS division", a=item["record_key_a"]
    ).data())
    province = graph_store.query("api/users/by_name", name="decisions-province")[0]
    assert {"by": "decisions-province", "role": "省级管理员", "id": province["user_id"], "actor_role": "省级管理员",
            "division": "43"} in stored
    out = tmp_path / "labels.csv"
    exported = _cli(["decisions", "export", str(out)], graph_settings)
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("fingerprint_a,fingerprint_b,record_key_a,record_key_b,label")
    assert len(lines) == 2 and ",1,same," in lines[1]
    table = _cli(["decisions", "list"], graph_settings)
    assert table.exit_code == 0 and "有效" in table.output and "尚未运行" in table.output
