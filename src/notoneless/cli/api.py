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


ADMIN_HELP = ("办理人：已登记的省级管理员（notoneless users list）；不写则用 NOTONELESS_USER 设置的本机用户"
              "（尚无任何用户时，第一个用户可不写）")
users_app = typer.Typer(help="接口用户（数据专干）：签发、轮换令牌，停用、启用、删除、列出用户。"
                             "API users (officers) and their tokens.",
                        no_args_is_help=True)


@users_app.command("add")
def users_add_command(
    name: str = typer.Argument(..., help="用户名（姓名或岗位）"),
    role: str = typer.Option(..., "--role", help="角色：省级管理员、县级数据员、乡镇专干、学校、只读审计"),
    division: str = typer.Option(..., "--division", help="辖区：行政区划代码（省 2 位、县 6 位、乡 9 位），学校用学校标识码"),
    replace: bool = typer.Option(False, "--replace", help="用户已存在时重新签发令牌（旧令牌失效）"),
    by: str | None = typer.Option(None, "--by", help=ADMIN_HELP),
) -> None:
    """新建接口用户并显示其令牌（只显示这一次；只保存令牌的哈希）。Create an API user and print their token once."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_add(get_settings(), console, name, role, division, replace, by)


def _change(action: str):  # noqa: ANN202 — a typer command
    def command(
        user: str = typer.Argument(..., help="用户名或用户编号"),
        by: str | None = typer.Option(None, "--by", help=ADMIN_HELP),
    ) -> None:
        from notoneless.commands import api as api_commands
        from notoneless.config import get_settings

        api_commands.users_change(get_settings(), console, user, action, by)

    return command


users_app.command("disable", help="停用用户：其令牌立即失效（记录办理人）。Disable a user; their token is refused at once.")(
    _change("disable"))
users_app.command("enable", help="重新启用用户。Enable a disabled user again.")(_change("enable"))
users_app.command("delete", help="删除用户（其办理记录保留用户编号；记录办理人）。Delete a user.")(_change("delete"))


@users_app.command("rotate")
def users_rotate_command(
    user: str = typer.Argument(..., help="用户名或用户编号"),
    by: str | None = typer.Option(None, "--by", help=ADMIN_HELP),
) -> None:
    """为用户签发新令牌（旧令牌立即失效），只显示这一次。Rotate a user's token; the old one is refused at once."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_rotate(get_settings(), console, user, by)


@users_app.command("password")
def users_password_command(
    name: str = typer.Argument(..., help="用户名"),
    by: str | None = typer.Option(None, "--by", help=ADMIN_HELP + "；为自己设密码时可不写"),
) -> None:
    """设置用户的网页登录密码（管道输入时从标准输入读一行，否则提示输入两次；只保存 Argon2 哈希）。
    Set a user's web password: read from stdin when piped, else prompted twice."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_password(get_settings(), console, name, by)


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
