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


# --- linkage: explain ----------------------------------------------------------
@app.command("explain")
def explain_command(
    record_key_a: str = typer.Argument(..., help="第一条记录的键，如 xueji:17"),
    record_key_b: str = typer.Argument(..., help="第二条记录的键，如 hukou:5"),
) -> None:
    """解释两条记录为何是（或不是）同一人：各比较项的判定与权重、合计与聚类结论。
    Explain why two records are or are not the same person (reads the last run's workspace)."""
    from notoneless.commands.explain import run as run_explain
    from notoneless.config import get_settings

    run_explain(record_key_a, record_key_b, get_settings(), console)


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
