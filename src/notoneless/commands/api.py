"""``notoneless serve``, ``notoneless users add|list``, ``notoneless api openapi``."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from notoneless.config import Settings
from notoneless.errors import ConfigError


def serve(settings: Settings, console: Console, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from notoneless.api.workers import APP, reuse_port_supported, run_workers
    from notoneless.graph import server

    host = host or settings.api_host
    port = port or settings.api_port
    workers = settings.api_workers
    # The local graph is started here, once, rather than raced by the workers (each opens
    # it with open_graph, which leaves a server it did not start running).
    started = settings.local_graph and server.start(settings).started
    if settings.local_graph:
        console.print("未配置 NOTONELESS_GRAPH_URI：使用本地 Neo4j（未运行则启动，退出时停止）。")
    console.print(f"接口地址 http://{host}:{port}  文档 http://{host}:{port}/docs  （{workers} 个进程，Ctrl+C 退出）")
    try:
        # Each worker process builds its app with create_app(), so from the environment's
        # settings (like every command), with its own graph driver and caller cache.
        if workers > 1 and reuse_port_supported():
            try:
                status = run_workers(host, port, workers)
            except OSError as exc:
                raise ConfigError(f"无法在 {host}:{port} 上监听（{exc.strerror or exc}）：端口已被占用？"
                                  "换一个端口（--port 或 NOTONELESS_API_PORT）。") from exc
            if status:
                raise SystemExit(status)
        else:
            uvicorn.run(APP, factory=True, workers=workers, host=host, port=port, log_level="warning")
    finally:
        if started:
            server.stop(settings)


def users_add(settings: Settings, console: Console, name: str, role: str, division: str, replace: bool) -> str:
    from notoneless.access.users import create_user, parse_role
    from notoneless.graph.store import open_graph

    parsed = parse_role(role)
    with open_graph(settings) as store:
        token = create_user(store, name, parsed, division, replace=replace)
    console.print(f"已创建用户「{name.strip()}」（{parsed.value}，辖区 {division.strip()}）。令牌只显示这一次，请妥善保存：")
    # The token alone on its own line, unstyled, so that scripts can take it.
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    return token


def users_list(settings: Settings, console: Console) -> None:
    from notoneless.access.users import list_users
    from notoneless.graph.store import open_graph
    from notoneless.localtime import shown

    with open_graph(settings) as store:
        users = list_users(store)
    table = Table(title=f"接口用户 {len(users)} 个")
    for column in ("姓名", "角色", "辖区", "创建时间"):
        table.add_column(column)
    for u in users:
        table.add_row(u["name"], u["role"], u["division"], shown(u["created_at"]))
    console.print(table)


def openapi(out: Console | None = None) -> None:
    from notoneless.api.contract import openapi_text

    sys.stdout.write(openapi_text())


def demo_officer_lines(store: object, settings: Settings, county: str, person_id: str | None = None) -> list[str]:
    """For the demo: (re)create the county officer 演示县级数据员 of ``county`` and return
    the lines to print — the token and a ``curl`` line that works once ``notoneless serve``
    runs (it looks up ``person_id``'s trail, or the officer's own findings)."""
    from notoneless.access.users import Role, create_user

    token = create_user(store, "演示县级数据员", Role.COUNTY, county, replace=True)
    base = f"http://{settings.api_host}:{settings.api_port}"
    path = f"/persons/{person_id}/trail" if person_id else "/findings?kind=unmatched_children&limit=5"
    return [
        f"演示令牌（县级数据员，辖区 {county}）：{token}",
        "启动接口：notoneless serve   然后：",
        f"curl -s -H 'Authorization: Bearer {token}' '{base}{path}'",
    ]
