"""The ``notoneless`` command line (typer + rich): the root app, its entry point
``main`` and the registration of every command, in the order the help lists them.
One module per command group beside it (graph.py, job.py, backup.py, api.py, cases.py,
contacts.py, decisions.py) holds that group's typer commands; the work behind them is
in ``notoneless.commands``.

Every command reports errors of the project (``NotOneLessError``) as one line on
stderr with a non-zero exit code, never a traceback.

May import every layer (it is the top); nothing imports it.
"""

from __future__ import annotations

import sys

import typer

from notoneless.cli import api, backup, cases, contacts, decisions, graph, job
from notoneless.cli.consoles import err_console
from notoneless.errors import NotOneLessError

app = typer.Typer(
    name="notoneless",
    help="NotOneLess 一个不能少: link child records across registries and find children out of school, "
    "missed or duplicate subsidies and contact gaps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Registration order is the order of the help: top-level commands, then groups.
app.add_typer(graph.graph_app, name="graph")
app.command("demo")(job.demo_command)
app.command("explain")(job.explain_command)
app.command("run")(job.run_command)
app.command("trail")(job.trail_command)
app.command("generate")(job.generate_command)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)
app.command("serve")(api.serve_command)
app.add_typer(api.users_app, name="users")
app.add_typer(api.api_app, name="api")
app.add_typer(cases.cases_app, name="cases")
app.add_typer(contacts.contacts_app, name="contacts")
app.add_typer(decisions.reviews_app, name="reviews")
app.add_typer(decisions.decisions_app, name="decisions")

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
