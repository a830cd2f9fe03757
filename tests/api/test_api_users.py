"""The user lifecycle (issue 20: users lived for ever): tokens carry an expiry (default
90 days, ``Settings.user_token_days``) and can be rotated; a 省级管理员 disables, enables
and deletes users of their province, through the CLI (``--by`` / NOTONELESS_USER) and the
API; a disabled user's or a rotated token is refused at once by the process that made
the change and within ``api_caller_ttl_seconds`` (≤ 1 s) by any other; every change
records who made it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_client import auth
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from notoneless.access.users import Role, create_user
from notoneless.api.app import create_app
from notoneless.api.callers import CallerCache
from notoneless.cli import app as cli_app
from notoneless.config import Settings, get_settings

pytestmark = pytest.mark.graph


def _cli(args: list[str], settings: Settings, user: str | None = None):
    env = {"NOTONELESS_WORKSPACE": str(settings.workspace), "NOTONELESS_GRAPH_PORT": str(settings.graph_port),
           "NOTONELESS_USER": user, "COLUMNS": "240"}
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli_app, args, env=env)
    finally:
        get_settings.cache_clear()


def _changes(store, name: str) -> list[tuple]:
    rows = store.execute_read(lambda tx: tx.run(
        "MATCH (c:UserChange {user_name: $name}) RETURN c.action AS action, c.made_by AS by, c.actor_role AS role "
        "ORDER BY c.at", name=name).data())
    return [(r["action"], r["by"], r["role"]) for r in rows]


def test_a_user_disabled_from_the_cli_is_refused_within_the_cache_time(graph_store, graph_settings, scene):
    token = create_user(graph_store, "要停用的专干", Role.TOWN, "431202101")
    now = [1000.0]
    app = create_app(graph_settings, store=graph_store)
    app.state.callers = CallerCache(graph_settings.api_caller_ttl_seconds, timer=lambda: now[0])
    assert graph_settings.api_caller_ttl_seconds <= 1.0
    with TestClient(app) as c:
        assert c.get("/me", headers=auth(token)).status_code == 200
        # no acting user: refused, saying how to name one
        missing = _cli(["users", "disable", "要停用的专干"], graph_settings)
        assert missing.exit_code != 0 and "--by" in str(missing.exception or missing.output)
        done = _cli(["users", "disable", "要停用的专干", "--by", "省管理员"], graph_settings)
        assert done.exit_code == 0, done.output
        now[0] += graph_settings.api_caller_ttl_seconds + 0.01  # another process's change: within the cache time
        r = c.get("/me", headers=auth(token))
        assert r.status_code == 401 and "停用" in r.json()["detail"]
        assert _cli(["users", "enable", "要停用的专干"], graph_settings, user="省管理员").exit_code == 0
        now[0] += graph_settings.api_caller_ttl_seconds + 0.01
        assert c.get("/me", headers=auth(token)).status_code == 200
        listed = _cli(["users", "list"], graph_settings)
        assert listed.exit_code == 0 and "要停用的专干" in listed.output
        assert _cli(["users", "delete", "要停用的专干", "--by", "省管理员"], graph_settings).exit_code == 0
        now[0] += graph_settings.api_caller_ttl_seconds + 0.01
        assert c.get("/me", headers=auth(token)).status_code == 401
    assert _changes(graph_store, "要停用的专干") == [("add", None, None), ("disable", "省管理员", "省级管理员"),
                                                    ("enable", "省管理员", "省级管理员"), ("delete", "省管理员", "省级管理员")]
    # only a 省级管理员 manages users
    other = create_user(graph_store, "另一位专干", Role.TOWN, "431202101")
    assert other
    refused = _cli(["users", "disable", "另一位专干", "--by", "鹤城区数据员"], graph_settings)
    assert refused.exit_code != 0 and "省级管理员" in str(refused.exception or refused.output)


def test_the_api_disables_enables_deletes_and_rotates_at_once(client, graph_store, scene):
    admin = auth(scene["province"])
    made = client.post("/users", json={"name": "新专干", "role": "乡镇专干", "division": "431202102"}, headers=admin)
    assert made.status_code == 201, made.text
    body = made.json()
    token, user_id = body["token"], body["user_id"]
    expires = datetime.fromisoformat(body["token_expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)  # the default: 90 days
    assert client.get("/me", headers=auth(token)).status_code == 200  # remembered by this process now
    assert client.post(f"/users/{user_id}/disable", headers=admin).status_code == 201
    assert client.get("/me", headers=auth(token)).status_code == 401  # at once, despite the cache
    listed = {u["user_id"]: u for u in client.get("/users", headers=admin).json()}
    assert listed[user_id]["disabled"] is True
    assert client.post(f"/users/{user_id}/enable", headers=admin).status_code == 201
    assert client.get("/me", headers=auth(token)).status_code == 200
    rotated = client.post(f"/users/{user_id}/token", headers=admin)
    assert rotated.status_code == 201 and rotated.json()["user_id"] == user_id
    assert client.get("/me", headers=auth(token)).status_code == 401  # the old token, at once
    new = rotated.json()["token"]
    assert client.get("/me", headers=auth(new)).json()["user_id"] == user_id
    # anyone may rotate their own token, no one else's
    mine = client.post(f"/users/{user_id}/token", headers=auth(new))
    assert mine.status_code == 201
    assert client.post(f"/users/{user_id}/token", headers=auth(scene["county_a"])).status_code == 403
    assert client.delete(f"/users/{user_id}", headers=admin).status_code == 200
    assert client.get("/me", headers=auth(mine.json()["token"])).status_code == 401
    assert user_id not in {u["user_id"] for u in client.get("/users", headers=admin).json()}
    assert _changes(graph_store, "新专干") == [("add", "省管理员", "省级管理员"), ("disable", "省管理员", "省级管理员"),
                                              ("enable", "省管理员", "省级管理员"), ("rotate", "省管理员", "省级管理员"),
                                              ("rotate", "新专干", "乡镇专干"), ("delete", "省管理员", "省级管理员")]


def test_only_a_province_administrator_manages_users_of_their_province(client, graph_store, scene):
    county = auth(scene["county_a"])
    assert client.get("/users", headers=county).status_code == 403
    assert client.post("/users/鹤城区数据员/disable", headers=county).status_code == 403
    create_user(graph_store, "广东省管理员", Role.PROVINCE, "44")
    canton = create_user(graph_store, "广东省管理员2", Role.PROVINCE, "44")
    # a user of another province is as unknown as a user that does not exist
    a = client.post("/users/鹤城区数据员/disable", headers=auth(canton))
    b = client.post("/users/没有这个人/disable", headers=auth(canton))
    assert a.status_code == b.status_code == 404 and a.json()["code"] == b.json()["code"] == "USER_NOT_FOUND"
    out = client.post("/users", json={"name": "越界", "role": "县级数据员", "division": "431202"}, headers=auth(canton))
    assert out.status_code == 422 and out.json()["errors"][0]["field"] == "division"
    bad = client.post("/users", json={"name": "错码", "role": "县级数据员", "division": "4412"}, headers=auth(canton))
    assert bad.status_code == 422 and bad.json()["code"] == "DIVISION_INVALID"
    # nor can an administrator disable themselves
    me = client.get("/me", headers=auth(canton)).json()["user_id"]
    assert client.post(f"/users/{me}/disable", headers=auth(canton)).status_code == 409


def test_an_expired_token_is_refused(client, graph_store, scene):
    token = create_user(graph_store, "过期的专干", Role.TOWN, "431202101", token_days=1)
    assert client.get("/me", headers=auth(token)).status_code == 200
    graph_store.execute_write(lambda tx: tx.run(
        "MATCH (u:User {name: '过期的专干'}) SET u.token_expires_at = datetime() - duration('PT1S')").consume())
    uncached = create_app(Settings(workspace=graph_store and "/tmp", api_caller_ttl_seconds=0), store=graph_store)
    with TestClient(uncached) as c:
        assert c.get("/me", headers=auth(token)).status_code == 401


def test_the_caller_cache_cannot_be_set_above_one_second():
    with pytest.raises(ValidationError):
        Settings(api_caller_ttl_seconds=5)
    assert Settings().api_caller_ttl_seconds <= 1.0 and Settings().user_token_days == 90
