"""``notoneless reviews …`` and ``notoneless decisions …``: the review queue of identity
conflicts and officers' decisions on it (docs/decisions.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from notoneless.access.users import find_user
from notoneless.config import Settings
from notoneless.decisions import book
from notoneless.decisions.consequence import describe
from notoneless.decisions.honour import WITHDRAWN_NEXT_RUN, next_run
from notoneless.decisions.judgement import parse_verdict
from notoneless.decisions.queue import get_review, list_reviews
from notoneless.errors import DecisionError
from notoneless.graph.store import open_graph
from notoneless.linkage.plain import certainty
from notoneless.localtime import shown
from notoneless.trail import SOURCE_LABELS


def _pct(p: Any) -> str:
    return "" if p is None else certainty(p)


def reviews_list(settings: Settings, console: Console, county: str | None, decided: bool, limit: int, *,
                 auto: bool = False) -> None:
    with open_graph(settings) as store:
        total, items = list_reviews(store, county=county, decided=decided, auto=auto, limit=limit)
    extra = "".join(x for x, on in (("，含已判定", decided), ("，含按阈值自动判定", auto)) if on)
    table = Table(title=f"待核身份冲突（共 {total} 处，按重要性排序{extra}）")
    for header in ("编号", "决定后", "重要性", "冲突", "记录 A", "记录 B", "人员 A", "人员 B", "同一人的把握", "已判定"):
        table.add_column(header, overflow="fold")
    for i in items:
        table.add_row(
            i["review_id"], describe(i) or "—", "；".join(i.get("importance_reasons") or []) or "—",
            "、".join(i.get("labels") or []), i["record_key_a"], i["record_key_b"], i.get("person_id_a") or "",
            i.get("person_id_b") or "", _pct(i.get("match_probability")), i.get("decided") or "",
        )  # fmt: skip
    console.print(table)
    if not auto:
        console.print("只列出决定后会改变问题线索、案件、资助或责任县的冲突；其余已按阈值自动判定：加 --auto 一并查看。")
    if total > len(items):
        console.print(f"只显示前 {len(items)} 处：用 --limit 显示更多，或 --county 按县查看。")
    console.print("查看一处：notoneless reviews show 编号；判定：notoneless decisions add 记录A 记录B --verdict same|different|defer --by 用户名")


def reviews_show(settings: Settings, console: Console, review_id: str) -> None:
    with open_graph(settings) as store:
        review = get_review(store, review_id, settings=settings)
    item = review["review"]
    console.print(f"[bold]{item['review_id']}[/] {'、'.join(item.get('labels') or [])}", highlight=False)
    for reason in item.get("reasons") or []:
        console.print(f"  · {reason}", highlight=False)
    if describe(item):
        console.print(describe(item), highlight=False)
    if item.get("importance_reasons"):
        console.print("重要性：" + "；".join(item["importance_reasons"]), highlight=False)
    table = Table(title="两条记录对照")
    table.add_column("项目")
    records = review["records"]
    for r in records:
        table.add_column(f"{r['record_key']}（{SOURCE_LABELS.get(r.get('source'), r.get('source'))}）")
    for prop, label in (("person_id", "人员编号"), ("name_raw", "姓名（原样）"), ("id_raw", "证件号（原样）"),
                        ("birth_date", "出生日期"), ("sex", "性别"), ("division_code", "登记地"),
                        ("household_key", "户号"), ("xueji_no", "学籍号"), ("school_id", "学校")):
        table.add_row(label, *("" if r.get(prop) is None else str(r.get(prop)) for r in records))
    console.print(table)
    explanation = review.get("explanation")
    if explanation:
        from notoneless.commands.explain import render

        render(explanation, console)
    else:
        console.print(f"（无法给出权重解释：{review.get('explanation_error')}）", highlight=False)
    for d in review["decisions"]:
        console.print(f"判定 {d['decision_id']}：{d['verdict_label']}，{d['decided_by']}，{shown(d['decided_at'])}", highlight=False)


def decisions_add(settings: Settings, console: Console, key_a: str, key_b: str, verdict: str, by: str | None,
                  note: str | None) -> None:
    v = parse_verdict(verdict)
    with open_graph(settings) as store:
        d = book.decide(store, key_a, key_b, v, by=find_user(store, by or settings.user), note=note)
    console.print(
        f"已记录判定 {d.decision_id}：{d.record_key_a} 与 {d.record_key_b} {d.label}（{d.decided_by}）。"
        + next_run(d.verdict),
        highlight=False,
    )


def decisions_withdraw(settings: Settings, console: Console, decision_id: str, by: str | None, note: str | None) -> None:
    with open_graph(settings) as store:
        w = book.withdraw(store, decision_id, by=find_user(store, by or settings.user), note=note)
    console.print(f"已撤回判定 {decision_id}（撤回记录 {w.decision_id}）。{WITHDRAWN_NEXT_RUN}", highlight=False)


def decisions_list(settings: Settings, console: Console, limit: int) -> None:
    with open_graph(settings) as store:
        total, views = book.list_decisions(store, limit=limit)
    table = Table(title=f"身份判定（共 {total} 条，最新在前；判定不可修改，只能撤回）")
    for header in ("判定编号", "判定", "记录", "人员（判定时）", "判定人", "时间", "现状", "最近运行", "说明"):
        table.add_column(header, overflow="fold")
    for v in views:
        d = v.decision
        verdict = d.label + (f" {d.withdraws}" if d.withdraws else "")
        persons = " / ".join(p for p in (d.person_id_a, d.person_id_b) if p)
        table.add_row(d.decision_id, verdict, f"{d.record_key_a} ↔ {d.record_key_b}", persons, d.decided_by,
                      shown(d.decided_at), v.standing, v.run_status_label, d.note or "")
    console.print(table)


def decisions_export(settings: Settings, console: Console, out: Path) -> None:
    with open_graph(settings) as store:
        rows = book.labelled_pairs(book.all_decisions(store))
    if out.suffix.lower() != ".csv":
        raise DecisionError(f"导出文件应为 .csv，不是「{out.name}」。", code="DECISION_EXPORT_FORMAT")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=book.LABEL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    same = sum(r["label"] for r in rows)
    console.print(f"已导出 {out}：{len(rows)} 对（同一人 {same}，不同人 {len(rows) - same}），"
                  "可用 benchmarks/decision_labels.py 衡量模型。", highlight=False)
