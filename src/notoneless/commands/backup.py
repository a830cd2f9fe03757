"""``notoneless backup OUT`` and ``notoneless restore ARCHIVE``: what they print (the work
is in ``notoneless.backup``)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from rich.console import Console
from rich.table import Table

from notoneless import backup as backups
from notoneless.access.audit import BACKUP, RESTORE
from notoneless.config import Settings
from notoneless.graph.store import GraphStore, open_graph
from notoneless.workspace_lock import workspace_lock

KIND_LABELS = {
    "node:Run": "比对运行", "node:Case": "案件", "node:CaseEvent": "办理记录", "node:CaseChange": "案件变化记录",
    "node:Finding": "问题线索", "node:IdentityDecision": "身份判定", "node:ContactAssignment": "三包分配/解除",
    "node:ContactStatusChange": "联系人状态变更", "node:ContactRegistration": "登记的联系人", "node:User": "用户",
    "node:UserChange": "用户变更", "node:AuditEvent": "审计记录", "history:runs": "人员编号历史：比对",
    "history:person_id_history": "人员编号历史：记录",
}


def _table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("内容")
    table.add_column("条数", justify="right")
    for kind, label in KIND_LABELS.items():
        table.add_row(f"{label}（{kind}）", f"{counts.get(kind, 0):,}")
    return table


def move_audit_journal(settings: Settings, store: GraphStore) -> tuple[int, int]:
    """The API's audit events still in the workspace's journal, into the graph, so that a
    backup holds them: (moved, copied). A segment no live server process holds (left by
    one that stopped or died) is moved — written, then deleted — as a starting server
    would; a live process's segment is only copied (written, left in place: the process
    moves it itself, and the second write changes nothing, ``MERGE`` on ``event_id``),
    never touched. Safe while ``notoneless serve`` runs (api/audits.py)."""
    from notoneless.api.audits import AuditJournal

    journal = AuditJournal(settings.paths.audit_journal, lambda: store, drain_seconds=settings.api_audit_drain_seconds)
    moved = journal.move_orphans()
    return moved, journal.publish()


def backup_command(settings: Settings, console: Console, out: Path) -> None:
    with ExitStack() as stack:
        if settings.paths.root.is_dir():  # no run half-way through while the ledger is read
            stack.enter_context(workspace_lock(settings.paths.root, "backup"))
        store = stack.enter_context(open_graph(settings))
        moved, copied = move_audit_journal(settings, store)
        report = backups.backup(store, settings.paths.history, out, source={
            "graph_uri": store.uri, "graph_database": store.database, "workspace": str(settings.paths.root.resolve()),
            "neo4j": store.server_version()})
        backups.audit_archive(store, BACKUP, report.path, report.counts)
    if moved or copied:
        console.print(f"审计日志中尚未入库的 {moved + copied:,} 条审计记录已先写入图数据库（含正在运行的接口进程的 {copied:,} 条），"
                      "均在本备份中。", highlight=False)
    console.print(_table("备份内容", report.counts))
    if report.counts.get("node:Run") and not report.counts.get("history:runs"):
        console.print(f"[bold red]注意[/]：图数据库中有 {report.counts['node:Run']} 次比对，但工作区 "
                      f"{settings.paths.root.resolve()} 没有人员编号历史（history.duckdb），本备份不含它：用它恢复后人员编号将重新生成、"
                      "案件与儿童对不上；请在比对所用的工作区运行备份（或设置 NOTONELESS_WORKSPACE=该工作区）")
    console.print(f"已备份到 {report.path}（{report.bytes / 2**20:.1f} MB）；恢复：notoneless restore {report.path}")


def restore_command(settings: Settings, console: Console, archive: Path, *, history_only: bool = False) -> None:
    backups.open_archive(archive).close()  # a damaged archive is refused before anything is created
    if history_only:
        with workspace_lock(settings.paths.root, "restore"), open_graph(settings) as store:
            done = backups.restore_history(store, settings.paths.history, archive)
            opened = backups.open_archive(archive)
            try:
                counts = {kind: opened.count(kind) for kind in KIND_LABELS if kind.startswith("history:")}
            finally:
                opened.close()
            backups.audit_archive(store, RESTORE, archive, counts)
        console.print(f"{done}。下一次 notoneless run 将沿用这些人员编号")
        return
    with workspace_lock(settings.paths.root, "restore"), open_graph(settings, create=True) as store:
        report = backups.restore(store, settings.paths.history, archive)
        backups.audit_archive(store, RESTORE, archive, report.counts)
    console.print(_table("已恢复", report.counts))
    console.print(f"{report.history}。下一次 notoneless run 将按恢复的台账继续比对（案件编号、办理记录、判定不变）")
