"""``notoneless serve``, ``notoneless users add|list``, ``notoneless api openapi``."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.table import Table

from notoneless.access.users import Caller
from notoneless.config import Settings
from notoneless.errors import ConfigError


def serve(settings: Settings, console: Console, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from notoneless.api.limits import UVICORN_OPTIONS
    from notoneless.api.workers import reuse_port_supported, run_workers
    from notoneless.config import require_workspace
    from notoneless.graph import server
    from notoneless.web.app import SITE, missing_assets

    host = host or settings.api_host
    port = port or settings.api_port
    workers = settings.api_workers
    if missing := missing_assets(settings):
        console.print(f"注意：网页所需的 {'、'.join(missing)} 未安装，网页将无法使用（接口不受影响）："
                      "请在项目目录运行 make setup（npm ci），或设置 NOTONELESS_WEB_ASSETS_DIR。", highlight=False)
    # The local graph is started here, once, rather than raced by the workers (each opens
    # it with open_graph, which leaves a server it did not start running).
    if settings.local_graph:
        require_workspace(settings)  # serve reads: it never makes a new, empty workspace
    started = settings.local_graph and server.start(settings).started
    if settings.local_graph:
        console.print("未配置 NOTONELESS_GRAPH_URI：使用本地 Neo4j（未运行则启动，退出时停止）。")
    console.print(f"网页 http://{host}:{port}/app/  接口地址 http://{host}:{port}  文档 http://{host}:{port}/docs  （{workers} 个进程，Ctrl+C 退出）")
    try:
        # Each worker process builds its app with create_app(), so from the environment's
        # settings (like every command), with its own graph driver and caller cache.
        if workers > 1 and reuse_port_supported():
            try:
                status = run_workers(host, port, workers, app=SITE)
            except OSError as exc:
                raise ConfigError(f"无法在 {host}:{port} 上监听（{exc.strerror or exc}）：端口已被占用？"
                                  "换一个端口（--port 或 NOTONELESS_API_PORT）。") from exc
            if status:
                raise SystemExit(status)
        else:
            uvicorn.run(SITE, factory=True, workers=workers, host=host, port=port, log_level="warning", **UVICORN_OPTIONS)
    finally:
        if started:
            server.stop(settings)


def _admin(store: object, settings: Settings, by: str | None) -> Caller | None:
    """The registered 省级管理员 who manages users (--by, else NOTONELESS_USER); None only
    while there is no user at all (the first one is made on the server's own machine)."""
    from notoneless.access.users import find_user, list_users

    if not (by or settings.user) and not list_users(store):  # type: ignore[arg-type]
        return None
    return find_user(store, by or settings.user)  # type: ignore[arg-type]


def users_add(settings: Settings, console: Console, name: str, role: str, division: str, replace: bool,
              by: str | None = None) -> str:
    from notoneless.access.users import (
        check_division,
        check_user_admin,
        create_user,
        parse_role,
    )
    from notoneless.graph.store import open_graph

    parsed = parse_role(role)
    with open_graph(settings) as store:
        admin = _admin(store, settings, by)
        if admin is not None:
            check_user_admin(store, admin, division=check_division(parsed, division))
        token = create_user(store, name, parsed, division, replace=replace, by=admin,
                            token_days=settings.user_token_days)
    console.print(f"已创建用户「{name.strip()}」（{parsed.value}，辖区 {division.strip()}，令牌 "
                  f"{settings.user_token_days} 天后过期）。令牌只显示这一次，请妥善保存：")
    # The token alone on its own line, unstyled, so that scripts can take it.
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    return token


def read_password(stdin: TextIO | None = None) -> str:
    """The new password: one line of standard input when piped (scripts), else typed twice."""
    import getpass

    stream = stdin or sys.stdin
    if not stream.isatty():
        return stream.readline().rstrip("\r\n")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise ConfigError("两次输入的密码不一致。")
    return first


def users_password(settings: Settings, console: Console, name: str, by: str | None) -> None:
    """Set ``name``'s web password, as the 省级管理员 ``by`` (else NOTONELESS_USER; not
    needed while there is no user who could manage, nor for one's own password)."""
    from notoneless.access.passwords import set_password
    from notoneless.access.users import check_user_admin
    from notoneless.graph.store import open_graph

    password = read_password()
    with open_graph(settings) as store:
        admin = _admin(store, settings, by) if (by or settings.user) else None
        if admin is not None and admin.name != name.strip():
            check_user_admin(store, admin, name.strip())
        set_password(store, name, password, by=admin)
    console.print(f"已设置用户「{name.strip()}」的网页登录密码（只保存其 Argon2 哈希）。", highlight=False)


def users_list(settings: Settings, console: Console) -> None:
    from notoneless.access.users import list_users
    from notoneless.graph.store import open_graph
    from notoneless.localtime import shown

    with open_graph(settings) as store:
        users = list_users(store)
    table = Table(title=f"接口用户 {len(users)} 个")
    for column in ("姓名", "用户编号", "角色", "辖区", "状态", "令牌过期", "创建时间"):
        table.add_column(column)
    for u in users:
        table.add_row(u["name"], u["user_id"], u["role"], u["division"], "已停用" if u["disabled"] else "正常",
                      shown(u["token_expires_at"]), shown(u["created_at"]))
    console.print(table)


def users_change(settings: Settings, console: Console, user: str, action: str, by: str | None) -> None:
    """disable / enable / delete, by the registered 省级管理员 ``by`` (else NOTONELESS_USER)."""
    from notoneless.access.users import change_user, find_user
    from notoneless.graph.store import open_graph

    with open_graph(settings) as store:
        done = change_user(store, user, action, find_user(store, by or settings.user))
    what = {"disable": "已停用（其令牌立即失效）", "enable": "已启用", "delete": "已删除（其办理记录保留用户编号）"}[action]
    console.print(f"用户「{done['name']}」（{done['user_id']}）{what}。", highlight=False)


def users_rotate(settings: Settings, console: Console, user: str, by: str | None) -> str:
    from notoneless.access.users import find_user, rotate_token
    from notoneless.graph.store import open_graph

    with open_graph(settings) as store:
        token, expires = rotate_token(store, user, find_user(store, by or settings.user),
                                      token_days=settings.user_token_days)
    console.print(f"已为用户「{user.strip()}」签发新令牌（旧令牌立即失效；新令牌 {expires[:10]} 过期）。令牌只显示这一次：",
                  highlight=False)
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    return token


def openapi(out: Console | None = None) -> None:
    from notoneless.api.contract import openapi_text

    sys.stdout.write(openapi_text())


def demo_officer_lines(store: object, settings: Settings, county: str, person_id: str | None = None) -> list[str]:
    """For the demo: (re)create the county officer 演示县级数据员 of ``county`` and return
    the lines to print — the token and a ``curl`` line that works once ``notoneless serve``
    runs (it looks up ``person_id``'s trail, or the officer's own findings)."""
    import secrets

    from notoneless.access.passwords import set_password
    from notoneless.access.users import Role, create_user

    token = create_user(store, "演示县级数据员", Role.COUNTY, county, replace=True)
    password = "demo-" + secrets.token_urlsafe(9)
    set_password(store, "演示县级数据员", password)  # type: ignore[arg-type]
    base = f"http://{settings.api_host}:{settings.api_port}"
    path = f"/persons/{person_id}/trail" if person_id else "/findings?kind=unmatched_children&limit=5"
    return [
        f"网页（notoneless serve 之后）：{base}/app/  用户名 演示县级数据员  密码 {password}",
        f"演示令牌（县级数据员，辖区 {county}）：{token}",
        "启动接口：notoneless serve   然后：",
        f"curl -s -H 'Authorization: Bearer {token}' '{base}{path}'",
    ]
