"""`notoneless users password NAME` reads the password from standard input when piped,
stores only an Argon2 hash, and the web sign-in then accepts it (access/passwords.py)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from notoneless.access.passwords import sign_in
from notoneless.access.users import Role, create_user
from notoneless.commands import api as api_commands
from notoneless.errors import AccessError

pytestmark = pytest.mark.graph


def test_password_from_stdin(graph, graph_settings, monkeypatch) -> None:
    create_user(graph, "网页用户", Role.COUNTY, "431202")
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    api_commands.users_password(graph_settings, Console(file=io.StringIO()), "网页用户", None)
    stored = graph.query("users/login", name="网页用户")[0]["password_hash"]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert sign_in(graph, "网页用户", "correct horse battery", source="test").caller.name == "网页用户"
    with pytest.raises(AccessError, match="用户名或密码不正确"):
        sign_in(graph, "网页用户", "wrong", source="test")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(AccessError, match="至少 8 个字符"):
        api_commands.users_password(graph_settings, Console(file=io.StringIO()), "网页用户", None)
