"""``notoneless cases …``: the ledger's work lists, one case's history, officer actions, exports."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from notoneless.access.users import find_user
from notoneless.cases.ledger import confirm_resolved
from notoneless.cases.ledger_reads import CaseRecord, case_changes, case_events, get_case, list_cases
from notoneless.cases.machine import allowed
from notoneless.cases.reasons import parse_evidence
from notoneless.cases.states import ACTION_LABELS, DETAIL_LABELS, parse_detail_key
from notoneless.config import Settings
from notoneless.errors import CaseError
from notoneless.graph.store import open_graph
from notoneless.localtime import shown
from notoneless.services.case_actions import act


def list_command(
    settings: Settings, console: Console, county: str | None, state: str | None, case_type: str | None, overdue: bool
) -> None:
    today = date.today()
    with open_graph(settings) as store:
        cases = list_cases(store, county=county, state=state, case_type=case_type, overdue=overdue, today=today)
    table = Table(title=f"案件台账（{len(cases)} 件）", show_lines=False)
    for header in ("案件编号", "类型", "对象", "摘要", "责任县", "乡镇", "状态", "期限", "剩余天数", "逾期"):
        table.add_column(header, overflow="fold")
    for c in cases:
        left = c.days_left(today)
        table.add_row(
            c.case_id, c.type_label, c.subject or "", c.title or "", c.responsible_county or "",
            c.responsible_town or "", c.state, shown(c.deadline), "" if left is None else str(left),
            "是" if c.overdue(today) else "",
        )  # fmt: skip
    console.print(table)


def show_command(settings: Settings, console: Console, case_id: str) -> None:
    with open_graph(settings) as store:
        case = get_case(store, case_id)
        events = case_events(store, case_id)
    _print_case(console, case)
    table = Table(title="办理记录（不可修改）")
    for header in ("序号", "时间", "经办人", "操作", "原状态", "新状态", "原因", "佐证材料", "明细", "备注"):
        table.add_column(header, overflow="fold")
    for e in events:
        table.add_row(
            str(e.seq), shown(e.at), e.by, e.action_label, e.from_state or "", e.to_state, e.reason_code or "",
            "；".join(_evidence_label(x) for x in e.evidence),
            "；".join(f"{DETAIL_LABELS.get(k, k)}={v}" for k, v in e.details.items()), e.note or "",
        )  # fmt: skip
    console.print(table)
    options = allowed(case.view())
    if options:
        console.print("可执行的操作：" + "、".join(f"{ACTION_LABELS[t.action]}({t.action.value})" for t in options))


def _evidence_label(text: str) -> str:
    try:
        return parse_evidence(text).label
    except CaseError:
        return text


def _print_case(console: Console, c: CaseRecord) -> None:
    console.print(f"[bold]{c.case_id}[/] {c.type_label}：{c.title or ''}", highlight=False)
    console.print(
        f"状态「{c.state}」 第 {c.version} 版 · 对象 {c.subject} · 责任县 {c.responsible_county or ''}"
        f"{' · 乡镇 ' + c.responsible_town if c.responsible_town else ''}"
        f"{' · 村 ' + c.responsible_village if c.responsible_village else ''}"
        f" · 期限 {shown(c.deadline)} · 立案批次 {c.opened_run}"
        + (f" · 原因 {c.reason_code}" if c.reason_code else ""),
        highlight=False,
    )


def act_command(
    settings: Settings,
    console: Console,
    case_id: str,
    action: str,
    by: str | None,
    reason: str | None,
    evidence: list[str],
    note: str | None,
    deadline: str | None,
    details: list[str],
    version: int | None,
) -> None:
    parsed_details: dict[str, str] = {}
    for item in details:
        if "=" not in item:
            raise CaseError(f"明细「{item}」格式不对：请写成 名称=值，例如 日期=2025-10-21。可用名称：{'、'.join(DETAIL_LABELS.values())}")
        key, value = item.split("=", 1)
        parsed_details[parse_detail_key(key)] = value.strip()
    due = None
    if deadline:
        try:
            due = date.fromisoformat(deadline.strip())
        except ValueError:
            raise CaseError(f"限期「{deadline}」应写成 YYYY-MM-DD，例如 2025-12-01。", code="CASE_DEADLINE_FORMAT") from None
    with open_graph(settings) as store:
        officer = find_user(store, by or settings.user)  # --by, else NOTONELESS_USER
        case = act(
            store, case_id, action, by=officer, reason=reason, evidence=evidence, note=note, deadline=due,
            details=parsed_details, expected_version=version,
        )  # fmt: skip
    console.print(f"已保存：{case.case_id} 现为「{case.state}」（第 {case.version} 版）", highlight=False)


def changes_command(
    settings: Settings, console: Console, run: str | None, county: str | None, change: str | None, as_json: bool
) -> None:
    with open_graph(settings) as store:
        run_id, rows = case_changes(store, run, county=county, change=change)
    items = [{k: r[k] for k in ("case_id", "case_type", "type_label", "responsible_county", "change", "change_label",
                               "reason", "state", "title", "person_id")} for r in rows]
    if as_json:
        sys.stdout.write(json.dumps({"run_id": run_id, "items": items}, ensure_ascii=False, indent=1) + "\n")
        return
    if run_id is None:
        console.print("还没有运行过比对：请先运行 notoneless run。")
        return
    counts = Counter(r["change_label"] for r in items)
    table = Table(title=f"运行 {run_id} 的案件变化（{len(items)} 件）：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    for header in ("变化", "案件编号", "类型", "责任县", "当前状态", "摘要", "原因"):
        table.add_column(header, overflow="fold")
    for r in items:
        table.add_row(r["change_label"], r["case_id"], r["type_label"] or "", r["responsible_county"] or "",
                      r["state"], r["title"] or "", r["reason"] or "")
    console.print(table)


def confirm_command(settings: Settings, console: Console, county: str, run: str | None, by: str | None) -> None:
    with open_graph(settings) as store:
        officer = find_user(store, by or settings.user)  # --by, else NOTONELESS_USER
        run_id, done = confirm_resolved(store, run, county=county, by=officer)
    if run_id is None:
        console.print("还没有运行过比对：请先运行 notoneless run。")
        return
    console.print(f"已确认销号 {len(done)} 件（{county}，运行 {run_id} 中比对结果已消除，以该次运行为佐证）。",
                  highlight=False)


def export_command(settings: Settings, console: Console, county: str, out: Path, by: str | None = None,
                   run: str | None = None) -> None:
    from notoneless.access.audit import LEDGER_EXPORT, record_read
    from notoneless.cases.export import export_county

    with open_graph(settings) as store:
        reader = find_user(store, by or settings.user)  # --by, else NOTONELESS_USER
        record_read(store, reader, LEDGER_EXPORT, target=county.strip())  # audited before anything is written
        if not reader.covers(county.strip()):  # the reader's scope, as in the API: out of it is as not found
            raise CaseError(f"辖区内没有县「{county.strip()}」：请核对县级区划代码，或请该县（或上级）的用户导出。",
                            code="CASE_NOT_FOUND")
        sheets = export_county(store, county, out, run_id=run)
    console.print(
        f"已导出 {out}：" + "，".join(f"{s.title} {len(s.rows)} 行" for s in sheets),
        highlight=False,
    )

