"""A county's ledgers as one XLSX workbook (``notoneless cases export``).

Sheets (Chinese headers, frozen header row, filters, column widths):

- 适龄儿童台账: every child of compulsory age registered or studying in the county;
- 疑似辍学台账: every 疑似失学辍学 case of the county, whatever its state;
- 辍学台账: the dropout cases confirmed (an A reason), with the persuasion work;
- 资助台账: 漏助 and 重复资助 cases;
- 三包缺位台账: contact-gap cases;
- 跨县就读核实台账: cross-county verification cases;
- 四个一汇总: per case type and township: open, closed, awaiting confirmation, overdue;
- 本月变化: the change feed of the latest (or a given) run for the county — what the run
  did to each case (新立案, 重新打开, 数据已消除, 转入, 转出 …) and why.

Every case sheet carries, beside the 人员编号, the child as officers know them (姓名,
身份证号 masked, 性别, 出生日期, 学校: ``PERSON_HEADERS``), towns, villages and counties
as name(code), the deadline with the days left (剩余天数, negative = overdue) and the
hand-off (移交: 待接收 from a county, or handed to one and not yet accepted). A county's
workbook lists the cases it handed over until they are accepted; only its own cases
count in 四个一汇总.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from notoneless.access.masking import mask_id
from notoneless.cases.ledger_reads import CaseRecord, case_changes, native, native_map
from notoneless.cases.reasons import REASONS
from notoneless.cases.states import ACTION_LABELS, Action, State
from notoneless.cases.types import CASE_TYPES, CaseType
from notoneless.errors import CaseError
from notoneless.graph.store import GraphStore
from notoneless.workbook import Sheet, write_workbook


def _yn(v: Any) -> str:
    return "是" if v is True else ("否" if v is False else "")


def _reason(code: str | None) -> str:
    return REASONS[code].display if code and code in REASONS else (code or "")


PERSON_HEADERS = ("姓名", "身份证号", "性别", "出生日期", "学校")
SEX_LABELS = {"M": "男", "F": "女"}


def person_columns(row: dict[str, Any]) -> tuple[Any, ...]:
    """A child as officers read them beside the person id (``PERSON_HEADERS``), from a
    ``cases/persons`` row: the ID number masked, the birth date a date."""
    sex = row.get("sex") or ""
    return (row.get("name") or "", mask_id(row["id_number"]) if row.get("id_number") else "",
            SEX_LABELS.get(sex, sex), native(row.get("birth_date")), row.get("school") or "")


def read_persons(store: GraphStore, person_ids: Iterable[str | None]) -> dict[str, tuple[Any, ...]]:
    """``person_columns`` of each of ``person_ids`` that the graph holds."""
    ids = sorted({p for p in person_ids if p})
    if not ids:
        return {}
    return {r["person_id"]: person_columns(r) for r in store.query("cases/persons", person_ids=ids)}


def division_names(store: GraphStore, codes: Iterable[str | None]) -> dict[str, str]:
    """``code → name`` of the divisions the graph knows among ``codes``."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    return {r["code"]: r["name"] for r in store.query("cases/division_names", codes=wanted) if r.get("name")}


class _Ctx:
    def __init__(self, names: dict[str, str], today: date, persons: dict[str, tuple[Any, ...]] | None = None,
                 county: str | None = None) -> None:
        self.names = names
        self.today = today
        self.persons = persons or {}
        self.county = county

    def named(self, code: str | None) -> str:
        return f"{self.names.get(code, '')}({code})" if code else ""

    def town(self, c: CaseRecord) -> str:
        return self.named(c.responsible_town)

    def village(self, c: CaseRecord) -> str:
        return self.named(c.responsible_village)

    def person(self, c: CaseRecord) -> tuple[Any, ...]:
        """``PERSON_HEADERS`` of the case's child: from the graph, else what its finding says."""
        f = c.finding
        return self.child(c.person_id, f.get("姓名") or c.name, f.get("身份证号"), _day(f.get("出生日期")))

    def child(self, person_id: str | None, name: str | None = None, id_number: str | None = None,
              birth: Any = None) -> tuple[Any, ...]:
        """``PERSON_HEADERS`` of ``person_id`` as the graph holds it, else of what is given; blank without one."""
        if not person_id:
            return ("",) * len(PERSON_HEADERS)
        if person_id in self.persons:
            return self.persons[person_id]
        return (name or "", mask_id(id_number) if id_number else "", "", birth or "", "")

    def handoff(self, c: CaseRecord) -> str:
        """移交: 待接收 in the new county; seen from the old one, handed over and not yet accepted."""
        if not c.transfer_from:
            return ""
        if self.county is not None and c.responsible_county != self.county:
            return f"已转出至 {self.named(c.responsible_county)}，待对方接收（本县只读）"
        return f"待接收：由 {self.named(c.transfer_from)} 转入"


def _common(c: CaseRecord, last: dict[str, Any] | None, ctx: _Ctx) -> tuple[Any, ...]:
    last = last or {}
    try:
        action = ACTION_LABELS[Action(last.get("action"))]
    except ValueError:
        action = last.get("action") or ""
    return (
        c.state,
        ctx.handoff(c),
        c.deadline,
        c.days_left(ctx.today),
        "是" if c.overdue(ctx.today) else "否",
        c.opened_run,
        c.opened_at,
        action,
        last.get("by") or "",
        last.get("at"),
    )


_COMMON = ("状态", "移交", "办理期限", "剩余天数", "是否逾期", "立案批次", "立案时间", "最近操作", "经办人", "最近操作时间")

CHILD_HEADERS = (
    "人员编号", "姓名", "身份证号", "出生日期", "性别", "户籍地区划代码", "户籍县", "就读县",
    "在校状态", "建档立卡", "低保", "特困", "残疾", "疑似失学辍学",
)  # fmt: skip
SUSPECTED_HEADERS = (
    "案件编号", "人员编号", *PERSON_HEADERS, "户籍区划代码", "乡镇", "村",
    "建档立卡", "低保特困", "残疾", "核实结论",
) + _COMMON  # fmt: skip
DROPOUT_HEADERS = (
    "案件编号", "人员编号", *PERSON_HEADERS, "乡镇", "村", "辍学原因", "三帮一", "劝返次数", "书面通知期限",
) + _COMMON  # fmt: skip
SUBSIDY_HEADERS = (
    "案件编号", "类型", "人员编号", *PERSON_HEADERS, "学期", "资助项目", "资格", "笔数", "发放县", "应发县",
    "重复金额", "处理结论",
) + _COMMON  # fmt: skip
GAP_HEADERS = ("案件编号", "缺位类型", "对象", *PERSON_HEADERS, "区划代码", "乡镇", "村", "联系人编号",
               "最近走访日期") + _COMMON  # fmt: skip
CROSS_HEADERS = ("案件编号", "人员编号", *PERSON_HEADERS, "户籍县", "学籍县", "范围", "资助责任县",
                 "核实责任县") + _COMMON  # fmt: skip
SUMMARY_HEADERS = ("案件类型", "乡镇", "合计", "在办", "待确认销号", "已销号", "逾期")
CHANGE_HEADERS = ("变化", "变化代码", "原因", "案件编号", "类型", "类型代码", "责任县", "转出县", "当前状态",
                  "人员编号", *PERSON_HEADERS, "摘要", "运行编号")  # fmt: skip

SHEET_TITLES = ("适龄儿童台账", "疑似辍学台账", "辍学台账", "资助台账", "三包缺位台账", "跨县就读核实台账", "四个一汇总",
                "本月变化")


def build_sheets(
    cases: Sequence[tuple[CaseRecord, dict[str, Any] | None]],
    children: Sequence[dict[str, Any]],
    names: dict[str, str],
    *,
    today: date,
    persons: dict[str, tuple[Any, ...]] | None = None,
    changes: Sequence[dict[str, Any]] = (),
    county: str | None = None,
) -> list[Sheet]:
    """The workbook's sheets from the county's cases (with their latest event), children,
    the children's ``person_columns`` and the change feed rows (``ledger_reads.case_changes``)."""
    ctx = _Ctx(names, today, persons, county)

    def of(ct: CaseType) -> list[tuple[CaseRecord, dict[str, Any] | None]]:
        return [(c, e) for c, e in cases if c.case_type == ct.value]

    child_rows = []
    for p in children:
        status = "在读" if p.get("studying") else ("休学" if p.get("enrolled") else "未在籍")
        sex = SEX_LABELS.get(p.get("sex") or "", p.get("sex") or "")
        child_rows.append(
            (
                p["person_id"], p.get("name"), mask_id(p["id_number"]) if p.get("id_number") else "",
                native(p.get("birth_date")), sex,
                p.get("reg_code"), p.get("reg_county"), p.get("study_county"), status,
                _yn(p.get("fupin")), _yn(p.get("dibao")), _yn(p.get("tekun")), _yn(p.get("disabled")),
                _yn(p.get("unmatched")),
            )
        )  # fmt: skip

    suspected = []
    dropouts = []
    for c, e in of(CaseType.DROPOUT):
        f = c.finding
        suspected.append(
            (
                c.case_id, c.person_id, *ctx.person(c), f.get("户籍区划代码"), ctx.town(c), ctx.village(c), f.get("建档立卡"), f.get("低保特困"), f.get("残疾"), _reason(c.reason_code),
                *_common(c, e, ctx),
            )
        )  # fmt: skip
        if c.reason_code and c.reason_code.startswith("A"):
            dropouts.append(
                (
                    c.case_id, c.person_id, *ctx.person(c), ctx.town(c), ctx.village(c),
                    _reason(c.reason_code), "、".join(c.team or []), c.attempts or 0, c.notice_deadline,
                    *_common(c, e, ctx),
                )
            )  # fmt: skip

    subsidy = []
    for ct in (CaseType.MISSED_SUBSIDY, CaseType.DUPLICATE_SUBSIDY):
        for c, e in of(ct):
            f = c.finding
            subsidy.append(
                (
                    c.case_id, CASE_TYPES[ct].label, c.person_id, *ctx.person(c), f.get("学期"), f.get("资助项目"),
                    f.get("资格"), _number(f.get("笔数")), _counties(f.get("发放县"), ctx), ctx.named(f.get("应发县")),
                    _number(f.get("重复金额")), _reason(c.reason_code),
                    *_common(c, e, ctx),
                )
            )  # fmt: skip

    gaps = [
        (
            c.case_id, c.finding.get("类型"), c.finding.get("对象"),
            *ctx.person(c), c.finding.get("区划代码"), ctx.town(c),
            ctx.village(c), c.finding.get("联系人编号"), _day(c.finding.get("最近走访日期")), *_common(c, e, ctx),
        )
        for c, e in of(CaseType.CONTACT_GAP)
    ]  # fmt: skip
    cross = [
        (
            c.case_id, c.person_id, *ctx.person(c), ctx.named(c.finding.get("户籍县")),
            ctx.named(c.finding.get("学籍县")), c.finding.get("范围"), ctx.named(c.finding.get("资助责任县")),
            ctx.named(c.finding.get("核实责任县")), *_common(c, e, ctx),
        )
        for c, e in of(CaseType.CROSS_COUNTY)
    ]  # fmt: skip

    tally: dict[tuple[str, str], Counter[str]] = {}
    for c, _ in cases:
        if county is not None and c.responsible_county != county:
            continue  # handed to another county, not yet accepted: its ledger counts it
        key = (CASE_TYPES[CaseType(c.case_type)].label, ctx.town(c) or "（县级）")
        t = tally.setdefault(key, Counter())
        t["total"] += 1
        if c.state == State.CLOSED.value:
            t["closed"] += 1
        elif c.state == State.DATA_RESOLVED.value:
            t["parked"] += 1
        else:
            t["open"] += 1
        t["overdue"] += c.overdue(today)
    summary = [
        (ct, town, t["total"], t["open"], t["parked"], t["closed"], t["overdue"]) for (ct, town), t in sorted(tally.items())
    ]
    if summary:
        totals = [sum(r[i] for r in summary) for i in range(2, 7)]
        summary.append(("合计", "", *totals))

    return [
        Sheet("适龄儿童台账", CHILD_HEADERS, child_rows),
        Sheet("疑似辍学台账", SUSPECTED_HEADERS, suspected),
        Sheet("辍学台账", DROPOUT_HEADERS, dropouts),
        Sheet("资助台账", SUBSIDY_HEADERS, subsidy),
        Sheet("三包缺位台账", GAP_HEADERS, gaps),
        Sheet("跨县就读核实台账", CROSS_HEADERS, cross),
        Sheet("四个一汇总", SUMMARY_HEADERS, summary),
        Sheet("本月变化", CHANGE_HEADERS, [
            (
                r["change_label"], r["change"], r.get("reason") or "", r["case_id"], r.get("type_label") or "",
                r["case_type"], ctx.named(r.get("responsible_county")), ctx.named(r.get("from_county")), r["state"],
                r.get("person_id") or "", *ctx.child(r.get("person_id"), r.get("name")),
                r.get("title") or "", r.get("run_id") or "",
            )
            for r in changes
        ]),
    ]


def _number(v: str | None) -> int | float | str | None:
    """笔数 and 金额 as numeric cells (the finding keeps the contract's text)."""
    if not v:
        return None
    try:
        n = float(v)
    except ValueError:
        return v
    return int(n) if n.is_integer() and "." not in v else n


def _day(v: str | None) -> date | str | None:
    """A date the finding keeps as text (YYYY-MM-DD), as a date cell."""
    try:
        return date.fromisoformat(v) if v else None
    except ValueError:
        return v


def _counties(codes: str | None, ctx: _Ctx) -> str:
    """``431222;431202`` → ``芷江县(431222)；鹤城区(431202)``."""
    return "；".join(ctx.named(c.strip()) for c in (codes or "").split(";") if c.strip())


def export_county(store: GraphStore, county: str, out: Path, *, today: date | None = None,
                  run_id: str | None = None) -> list[Sheet]:
    """Write the county's ledgers to ``out`` (XLSX), with the change feed of ``run_id``
    (the latest run when None) as 本月变化; returns the sheets written."""
    if not (county.isdigit() and len(county) == 6):
        raise CaseError(f"县级区划代码「{county}」应为 6 位数字，例如 431222。", code="CASE_COUNTY_FORMAT")
    day = today or date.today()
    cases = [
        (CaseRecord(native_map(r["case"])), native_map(r["last_event"]) if r.get("last_event") else None)
        for r in store.query("cases/export_cases", county=county)
    ]
    children = store.query("cases/export_children", county=county)
    run, changes = case_changes(store, run_id, county=county)
    changes = [{**r, "run_id": run} for r in changes]
    persons = read_persons(store, [c.person_id for c, _ in cases] + [r.get("person_id") for r in changes])
    codes = {county} | {code for c, _ in cases for code in (c.responsible_county, c.responsible_town,
                                                            c.responsible_village, c.transfer_from)}
    for c, _ in cases:
        codes |= {c.finding.get(k) for k in ("户籍县", "学籍县", "资助责任县", "核实责任县", "应发县")}
        codes |= set((c.finding.get("发放县") or "").split(";"))
    codes |= {r.get(k) for r in changes for k in ("responsible_county", "from_county")}
    sheets = build_sheets(cases, children, division_names(store, codes), today=day, persons=persons,
                          changes=changes, county=county)
    write_workbook(sheets, out)
    return sheets

