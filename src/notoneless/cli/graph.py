"""``notoneless graph …``: the local Neo4j server (build, start, stop, status) and
the schema (init). The typer group only; the work is in ``notoneless.commands.graph``.
"""

from __future__ import annotations

import typer

from notoneless.cli.consoles import console

graph_app = typer.Typer(
    help="图数据库 Neo4j：构建、启动、停止本地服务器，查看状态，建立约束与索引。"
    "The graph: build/start/stop the local Neo4j, its status, its schema.",
    no_args_is_help=True,
)


@graph_app.command("build")
def graph_build_command(
    force: bool = typer.Option(False, "--force", help="即使已是最新也重新构建 (rebuild even when up to date)"),
) -> None:
    """用 Maven 构建本地 Neo4j 服务器 (graph_server/)，已是最新则跳过。Build the local Neo4j server with Maven."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.build(get_settings(), console, force=force)


@graph_app.command("start")
def graph_start_command() -> None:
    """在后台启动本地 Neo4j（仅 127.0.0.1），已在运行则不重复启动。Start the local Neo4j in the background."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.start(get_settings(), console)


@graph_app.command("stop")
def graph_stop_command() -> None:
    """正常停止本地 Neo4j。Stop the local Neo4j cleanly."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.stop(get_settings(), console)


@graph_app.command("status")
def graph_status_command() -> None:
    """是否在运行、Bolt 地址、Neo4j 版本、各标签节点数；未运行时退出码为 1。
    Running or not, Bolt URI, Neo4j version, nodes per label (exit code 1 when not running)."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.status(get_settings(), console)


@graph_app.command("init")
def graph_init_command() -> None:
    """建立约束与索引（graph_schema/，可重复执行）。Apply the constraints and indexes (idempotent)."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.init(get_settings(), console)
