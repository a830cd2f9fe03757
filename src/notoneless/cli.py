"""The ``notoneless`` command line (typer + rich).

Every command reports errors of the project (``NotOneLessError``) as one line on
stderr with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from notoneless.errors import NotOneLessError

app = typer.Typer(
    name="notoneless",
    help="NotOneLess 一个不能少: link child records across registries and find children out of school, "
    "missed or duplicate subsidies and contact gaps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

# --- command groups are registered below, one block per area -------------------


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except NotOneLessError as exc:
        err_console.print(f"[bold red]错误[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("已中断 (interrupted)")
        sys.exit(130)
