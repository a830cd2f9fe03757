"""``notoneless reviews …`` (the queue of identity conflicts) and ``notoneless
decisions …`` (officers' identity decisions: add, withdraw, list, export). The two
typer groups; the work is in ``notoneless.commands.decisions``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from notoneless.cli.consoles import BY_HELP, console

reviews_app = typer.Typer(
    help="待核身份冲突：按重要性（三包对象、资助发放优先）排序的复核队列。The review queue of identity conflicts.",
    no_args_is_help=True,
)


@reviews_app.command("list")
def reviews_list_command(
    county: str = typer.Option(None, "--county", help="县级区划代码（6 位），只看该县"),
    decided: bool = typer.Option(False, "--decided", help="也列出已有有效判定的"),
    auto: bool = typer.Option(False, "--auto", help="也列出决定后不改变任何线索、案件或资助、已按阈值自动判定的"),
    limit: int = typer.Option(50, "--limit", help="最多显示条数"),
) -> None:
    """列出最近一次运行的待核身份冲突（双胞胎防护拆开、接近阈值、一号多名、一人两号），最重要的在前。
    List the latest run's identity conflicts, most important first."""
    from notoneless.commands.decisions import reviews_list
    from notoneless.config import get_settings

    reviews_list(get_settings(), console, county, decided, limit, auto=auto)


@reviews_app.command("show")
def reviews_show_command(review_id: str = typer.Argument(..., help="冲突编号，如 R0123456789ab")) -> None:
    """查看一处冲突：两条记录对照、各比较项的权重解释、已有判定。
    Show one conflict: both records side by side, the match weights explained, the decisions on it."""
    from notoneless.commands.decisions import reviews_show
    from notoneless.config import get_settings

    reviews_show(get_settings(), console, review_id)


decisions_app = typer.Typer(
    help="身份判定：同一人、不同人或暂缓；不可修改，只能撤回；每次运行都照此聚类。"
    "Officers' identity decisions, honoured by every run.",
    no_args_is_help=True,
)


@decisions_app.command("add")
def decisions_add_command(
    record_key_a: str = typer.Argument(..., help="第一条记录的键（最近一次运行），如 hukou:5"),
    record_key_b: str = typer.Argument(..., help="第二条记录的键，如 xueji:17"),
    verdict: str = typer.Option(..., "--verdict", help="same（同一人）、different（不同人）或 defer（暂缓，由模型判定）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="依据说明"),
) -> None:
    """记录一条身份判定（按两条记录的稳定指纹保存，换了行号、换了批次仍然有效）。
    Record a decision on two records (kept by their stable fingerprints)."""
    from notoneless.commands.decisions import decisions_add
    from notoneless.config import get_settings

    decisions_add(get_settings(), console, record_key_a, record_key_b, verdict, by, note)


@decisions_app.command("withdraw")
def decisions_withdraw_command(
    decision_id: str = typer.Argument(..., help="要撤回的判定编号，如 D20251020T080000-1a2b3c4d"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    note: str = typer.Option(None, "--note", help="撤回原因"),
) -> None:
    """撤回一条判定（记为一条新的撤回判定，原判定不变）。Withdraw a decision (by recording another)."""
    from notoneless.commands.decisions import decisions_withdraw
    from notoneless.config import get_settings

    decisions_withdraw(get_settings(), console, decision_id, by, note)


@decisions_app.command("list")
def decisions_list_command(limit: int = typer.Option(200, "--limit", help="最多显示条数")) -> None:
    """列出判定（最新在前）：现状（有效、暂缓、已撤回…）与最近一次运行的执行情况（含记录已不在数据中的）。
    List decisions with their standing and how the latest run honoured them."""
    from notoneless.commands.decisions import decisions_list
    from notoneless.config import get_settings

    decisions_list(get_settings(), console, limit)


@decisions_app.command("export")
def decisions_export_command(out: Path = typer.Argument(..., help="输出的 CSV 文件")) -> None:
    """导出有效判定为带标签的记录对（1 = 同一人，0 = 不同人），供 benchmarks/decision_labels.py 衡量模型。
    Export the effective decisions as labelled pairs (CSV)."""
    from notoneless.commands.decisions import decisions_export
    from notoneless.config import get_settings

    decisions_export(get_settings(), console, out)
