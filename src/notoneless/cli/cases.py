"""``notoneless cases …``: the case ledger (台账) — work lists, one case's history,
officers' actions, the county workbook. The typer group only; the work is in
``notoneless.commands.cases``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from notoneless.cases.reconcile import CHANGE_LABELS
from notoneless.cli.consoles import BY_HELP, READER_HELP, console

cases_app = typer.Typer(
    help="案件台账：一生一案，办理到销号。The case ledger: work lists, a case's history, actions, exports.",
    no_args_is_help=True,
)


@cases_app.command("list")
def cases_list_command(
    county: str = typer.Option(None, "--county", help="责任县 6 位区划代码"),
    state: str = typer.Option(None, "--state", help="状态，如 待核实、劝返中、数据已消除·待确认销号、销号"),
    case_type: str = typer.Option(None, "--type", help="案件类型：疑似失学辍学、跨县就读核实、重复资助、漏助、三包缺位"),
    overdue: bool = typer.Option(False, "--overdue", help="只列出已过办理期限且未销号的案件"),
) -> None:
    """列出案件（按期限排序）。List cases by county, state, type; --overdue for those past their deadline."""
    from notoneless.commands.cases import list_command
    from notoneless.config import get_settings

    list_command(get_settings(), console, county, state, case_type, overdue)


@cases_app.command("show")
def cases_show_command(case_id: str = typer.Argument(..., help="案件编号，如 KB-431222-1A2B3C4D5E")) -> None:
    """查看一个案件及其全部办理记录和可执行的操作。Show a case, its events and the actions now allowed."""
    from notoneless.commands.cases import show_command
    from notoneless.config import get_settings

    show_command(get_settings(), console, case_id)


@cases_app.command("act")
def cases_act_command(
    case_id: str = typer.Argument(..., help="案件编号"),
    action: str = typer.Argument(..., help="操作（中文或英文代码），如 开始核实、确认辍学、排除、记录劝返、复学、销号"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    reason: str = typer.Option(None, "--reason", help="原因代码：A1–A8（需劝返）、B1–B10（不需劝返）、S1–S4（资助）"),
    evidence: list[str] = typer.Option([], "--evidence", help="佐证材料 种类=编号，可多次使用，如 学籍号=G4301…、公安证明=档案号"),
    note: str = typer.Option(None, "--note", help="备注说明"),
    deadline: str = typer.Option(None, "--deadline", help="限期（书面通知），YYYY-MM-DD"),
    detail: list[str] = typer.Option([], "--detail", help="明细 名称=值，可多次使用，如 日期=2025-10-21、方式=入户、校领导=李某"),
    version: int = typer.Option(None, "--version", help="您看到的案件版本；他人已更新时拒绝保存"),
) -> None:
    """办理案件：按状态机执行一步操作，记录为不可修改的办理记录。Apply one action to a case."""
    from notoneless.commands.cases import act_command
    from notoneless.config import get_settings

    act_command(get_settings(), console, case_id, action, by, reason, evidence, note, deadline, detail, version)


@cases_app.command("changes")
def cases_changes_command(
    run: str = typer.Option(None, "--run", help="运行编号（默认：最近一次运行）"),
    county: str = typer.Option(None, "--county", help="责任县 6 位区划代码"),
    change: str = typer.Option(
        None, "--change",
        help="变化种类：" + "、".join(f"{k} {v}" for k, v in CHANGE_LABELS.items()),
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON（{run_id, items: [...]}），供程序读取"),
) -> None:
    """本次比对的案件变化：新立案、重新打开（及原因）、数据已消除、已销号仍见……
    The change feed of a run: what it did to each case, and why."""
    from notoneless.commands.cases import changes_command
    from notoneless.config import get_settings

    changes_command(get_settings(), console, run, county, change, as_json)


@cases_app.command("confirm")
def cases_confirm_command(
    county: str = typer.Option(..., "--county", help="责任县 6 位区划代码"),
    run: str = typer.Option(None, "--run", help="运行编号（默认：最近一次运行）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """批量确认销号：该次运行中比对结果已消除、仍待确认的本县案件，以该次运行为佐证。
    Confirm in bulk the county's cases a run resolved by data."""
    from notoneless.commands.cases import confirm_command
    from notoneless.config import get_settings

    confirm_command(get_settings(), console, county, run, by)


@cases_app.command("export")
def cases_export_command(
    out: Path = typer.Argument(..., help="输出的 XLSX 文件"),
    county: str = typer.Option(..., "--county", help="县级区划代码（6 位）"),
    by: str | None = typer.Option(None, "--by", help=READER_HELP),
    run: str = typer.Option(None, "--run", help="本月变化一页所列的运行编号（默认：最近一次运行）"),
) -> None:
    """导出本县台账（适龄儿童、疑似辍学、辍学、资助、三包缺位、跨县核实、四个一汇总、本月变化）为 XLSX。
    Export the county's ledgers as one XLSX workbook."""
    from notoneless.commands.cases import export_command
    from notoneless.config import get_settings

    export_command(get_settings(), console, county, out, by, run)
