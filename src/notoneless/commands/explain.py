"""``notoneless explain A B``: render ``linkage.explain_pair`` for an officer (rich table, Chinese)."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from notoneless.config import Settings
from notoneless.errors import LinkageError
from notoneless.linkage.explain import Explanation, explain_pair

# The tables of the last run that an explanation reads (docs/workspace.md).
_TABLES = ("linkage_input", "person_records", "entities", "identity_conflicts", "predictions")


def open_workspace(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with views onto the workspace database, attached read-only,
    so that explaining never changes the last run's results."""
    path = settings.paths.linkage
    if not path.is_file():
        raise LinkageError(f"工作区 {settings.workspace} 中没有连接结果（{path.name}）：请先运行 notoneless run。")
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{path.as_posix()}' AS ws (READ_ONLY)")
    except duckdb.Error as exc:
        raise LinkageError(f"无法打开工作区数据库 {path}：{exc}。若另一个 notoneless run 正在运行，请等它结束。") from exc
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'ws'"
        ).fetchall()
    }
    for t in _TABLES:
        if t in have:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM ws.main.{t}")
    return con


def render(ex: Explanation, console: Console) -> None:
    table = Table(title=f"记录 {ex.key_a} 与 {ex.key_b} 的比对", show_lines=False)
    table.add_column("比较项")
    table.add_column(ex.key_a)
    table.add_column(ex.key_b)
    table.add_column("判定")
    table.add_column("权重", justify="right")
    for r in ex.rows:
        style = "green" if r.match_weight > 0.05 else ("red" if r.match_weight < -0.05 else "dim")
        table.add_row(r.comparison, r.value_a, r.value_b, r.level, f"[{style}]{r.match_weight:+.2f}[/]")
    table.add_section()
    table.add_row("合计", "", "", f"匹配概率 {ex.match_probability:.6f}", f"{ex.match_weight:+.2f}")
    console.print(table)
    console.print(f"结论：{ex.decision}")
    for note in ex.notes:
        console.print(f"  · {note}")
    console.print("[dim]权重为对数贝叶斯因子（log2）：正数支持同一人，负数支持不同人；各项相加即合计。[/]")


def explain_last_run(settings: Settings, key_a: str, key_b: str) -> Explanation:
    """``explain_pair`` over the last run's workspace, attached read-only (the CLI, the
    API's explanation and the review queue use it)."""
    con = open_workspace(settings)
    try:
        return explain_pair(con, key_a, key_b, settings)
    finally:
        con.close()


def run(key_a: str, key_b: str, settings: Settings, console: Console) -> Explanation:
    ex = explain_last_run(settings, key_a, key_b)
    render(ex, console)
    return ex
