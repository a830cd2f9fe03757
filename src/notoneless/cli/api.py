"""The HTTP API's commands: ``notoneless serve`` (a plain function the root app
registers), the ``users`` group (officers and their tokens) and the ``api`` group (the
published OpenAPI contract). The work is in ``notoneless.commands.api``.
"""

from __future__ import annotations

import typer

from notoneless.cli.consoles import console


def serve_command(
    host: str = typer.Option(None, "--host", help="监听地址（默认 NOTONELESS_API_HOST，即 127.0.0.1）"),
    port: int = typer.Option(None, "--port", help="端口（默认 NOTONELESS_API_PORT，即 8000）"),
) -> None:
    """启动数据专干接口（HTTP API，默认只监听 127.0.0.1）；未配置图数据库时启动本地 Neo4j。
    Serve the HTTP API for data officers (uvicorn); starts the local Neo4j if none is configured."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.serve(get_settings(), console, host, port)


users_app = typer.Typer(help="接口用户（数据专干）：签发令牌、列出用户。API users (officers) and their tokens.",
                        no_args_is_help=True)


@users_app.command("add")
def users_add_command(
    name: str = typer.Argument(..., help="用户名（姓名或岗位）"),
    role: str = typer.Option(..., "--role", help="角色：省级管理员、县级数据员、乡镇专干、学校、只读审计"),
    division: str = typer.Option(..., "--division", help="辖区：行政区划代码（省 2 位、县 6 位、乡 9 位），学校用学校标识码"),
    replace: bool = typer.Option(False, "--replace", help="用户已存在时重新签发令牌（旧令牌失效）"),
) -> None:
    """新建接口用户并显示其令牌（只显示这一次；只保存令牌的哈希）。Create an API user and print their token once."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_add(get_settings(), console, name, role, division, replace)


@users_app.command("list")
def users_list_command() -> None:
    """列出接口用户（姓名、角色、辖区；不含令牌）。List the API users (never their tokens)."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_list(get_settings(), console)


api_app = typer.Typer(help="接口契约。The published HTTP contract.", no_args_is_help=True)


@api_app.command("openapi")
def api_openapi_command() -> None:
    """输出接口的 OpenAPI 文档（notoneless api openapi > api/openapi.json）。Print the OpenAPI document."""
    from notoneless.commands import api as api_commands

    api_commands.openapi()
