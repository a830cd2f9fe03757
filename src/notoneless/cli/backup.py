"""``notoneless backup`` and ``notoneless restore``: the typer declarations (the work is in
``notoneless.commands.backup``)."""

from __future__ import annotations

from pathlib import Path

import typer

from notoneless.cli.consoles import console


def backup_command(
    out: Path = typer.Argument(..., help="备份文件（以 .zip 结尾），或一个目录（不存在则新建，文件自动命名为 notoneless-backup-<时间>.zip）"),
) -> None:
    """备份官员录入的全部数据：案件与办理记录、身份判定、三包分配、用户（只含令牌摘要）、审计记录、人员编号历史。
    Back up everything officers created (and the person-id history) to one ZIP archive; works while the graph is up."""
    from notoneless.commands.backup import backup_command as run
    from notoneless.config import get_settings

    run(get_settings(), console, out)


def restore_command(
    archive: Path = typer.Argument(..., help="notoneless backup 生成的 .zip 备份文件"),
    history_only: bool = typer.Option(
        False, "--history-only",
        help="只恢复工作区的人员编号历史（history.duckdb 丢失、图数据库中的台账仍在时）；备份须含图中每次已完成的比对"),
) -> None:
    """从备份恢复台账到空的图数据库（先核对校验值；已有台账时拒绝）。
    Restore a backup into an empty ledger (checksums verified first; a graph holding a ledger is refused)."""
    from notoneless.commands.backup import restore_command as run
    from notoneless.config import get_settings

    run(get_settings(), console, archive, history_only=history_only)
