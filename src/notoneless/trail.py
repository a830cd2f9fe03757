"""A child's whole record (档案), from one graph query (``queries/trail.cypher``).

``notoneless trail KEY`` takes a person_id, an ID number (typed any way: spaces,
lower-case x, full-width digits, the 15-digit form) or a 学籍号, and prints every
source record, household, school, payment, contact, visit and finding in Chinese, the
child's cases (编号, 类型, 状态, 责任县 by name, 期限 and 剩余天数), and the officers' 三包
assignments and identity decisions concerning the person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table

from notoneless.access.audit import TRAIL_READ, record_read
from notoneless.access.masking import mask_text
from notoneless.access.users import Caller
from notoneless.checks.findings import text
from notoneless.contacts.events import ACTION_LABELS
from notoneless.errors import PersonNotFound
from notoneless.graph.store import GraphStore
from notoneless.localtime import shown
from notoneless.normalize.idnumber import lookup_keys

SOURCE_LABELS = {
    "hukou": "户籍",
    "xueji": "学籍",
    "fupin": "建档立卡",
    "canlian": "残联",
    "minzheng": "民政救助",
    "zizhu": "资助发放",
}
# What each source record shows beyond name/ID/birth date: (property, Chinese label).
RECORD_FIELDS = {
    "hukou": (("hukou_status", "户籍状态"), ("relation", "与户主关系"), ("ethnicity", "民族")),
    "xueji": (("xueji_no", "学籍号"), ("enrol_status", "学籍状态"), ("grade", "年级"), ("hukou_code", "户口所在地"),
              ("guardian_name", "监护人"), ("boarding", "寄宿")),
    "fupin": (("poverty_type", "贫困户属性"), ("relation", "与户主关系")),
    "canlian": (("disability_type", "残疾类别"), ("disability_grade", "残疾等级")),
    "minzheng": (("relief_type", "救助类型"),),
    "zizhu": (("xueji_no", "学籍号"), ("project", "资助项目"), ("amount", "金额"), ("term", "学期"),
              ("paid_date", "发放日期"), ("pay_method", "发放方式")),
}
STATUS_FLAGS = (
    ("compulsory_age", "义务教育年龄"),
    ("enrolled", "在籍（在读/休学）"),
    ("unmatched", "疑似失学辍学"),
    ("target", "三包对象"),
    ("fupin", "建档立卡"),
    ("dibao", "农村低保"),
    ("tekun", "农村特困"),
    ("disabled", "残疾"),
)


def find_trail(store: GraphStore, key: str, today: date | None = None) -> list[dict[str, Any]]:
    """Every person the key names (usually one), each with the whole record (no scope:
    the CLI sees the whole graph). Each case carries its 剩余天数 on ``today`` (``days_left``,
    negative: overdue) and its county's name (``county_name``)."""
    from notoneless.cases.export import division_names
    from notoneless.cases.ledger_reads import days_left
    from notoneless.decisions.book import decision_rows_from_graph

    for k in lookup_keys(key):
        person_ids = [row["person_id"] for row in store.query("persons_by_key", key=k)]
        if person_ids:
            requests = [{"i": i, "person_id": pid, "division": None, "school": None} for i, pid in enumerate(person_ids)]
            rows = sorted(store.query("trail", requests=requests), key=lambda row: row.pop("request"))
            today = today or date.today()
            names = division_names(store, (c.get("responsible_county") for row in rows for c in row["cases"]))
            for row in rows:
                row["decisions"] = decision_rows_from_graph(row["decisions"])
                for c in row["cases"]:
                    c["days_left"] = days_left(c.get("deadline"), c.get("state"), today)
                    c["county_name"] = names.get(c.get("responsible_county"))
            return rows
    return []


def print_assignments(console: Console, assignments: list[dict[str, Any]]) -> None:
    """The officers' 三包 assignment events concerning the person (contacts/events.py)."""
    if not assignments:
        console.print("三包指派记录：无")
        return
    t = Table(title="三包指派记录（系统内，不可修改）")
    for col in ("时间", "经办人", "操作", "联系人编号", "包保类型", "对象", "经由", "备注"):
        t.add_column(col)
    for a in assignments:
        t.add_row(shown(a.get("made_at")), text(a.get("made_by")),
                  ACTION_LABELS.get(a.get("action"), text(a.get("action"))), text(a.get("contact_id")),
                  text(a.get("duty_type")), text(a.get("target")), text(a.get("via")), text(a.get("note")))
    console.print(t)


def print_cases(console: Console, cases: list[dict[str, Any]]) -> None:
    """The child's cases: 编号, 类型, 状态, 责任县 (name and code), 期限, 剩余天数 (negative: overdue)."""
    if not cases:
        console.print("案件：无")
        return
    t = Table(title="案件")
    for col in ("案件编号", "类型", "状态", "责任县", "期限", "剩余天数"):
        t.add_column(col)
    for c in cases:
        county = text(c.get("responsible_county"))
        if c.get("county_name"):
            county = f"{c['county_name']}（{county}）"
        left = c.get("days_left")
        t.add_row(c["case_id"], text(c.get("type_label") or c.get("case_type")), text(c.get("state")), county,
                  text(c.get("deadline"))[:10], "" if left is None else (f"{left}（逾期）" if left < 0 else str(left)))
    console.print(t)


def print_trail(console: Console, trail: dict[str, Any]) -> None:
    p = trail["person"]
    console.rule(f"[bold]{text(p.get('name'))}[/]  人员编号 {p['person_id']}")
    console.print(
        f"身份证号 {text(p.get('id_number')) or '（无有效身份证号）'}   出生日期 {text(p.get('birth_date'))}   "
        f"性别 {dict(M='男', F='女').get(p.get('sex'), '')}"
    )
    console.print(
        f"户籍区划 {text(p.get('active_reg_code'))}   户籍县 {text(p.get('reg_county'))}   "
        f"学籍县 {text(p.get('study_county') or p.get('school_county'))}"
    )
    flags = [label for prop, label in STATUS_FLAGS if p.get(prop)]
    console.print("状态：" + ("、".join(flags) if flags else "（无）"))

    table = Table(title="源记录", show_lines=False)
    for col in ("记录", "系统", "姓名", "证件号（原样）", "出生日期", "登记地", "户/学校", "其他"):
        table.add_column(col)
    for r in trail["records"]:
        where = r.get("division") or {}
        school = r.get("school") or {}
        household = r.get("household") or {}
        place = " ".join(x for x in (text(where.get("code")), text(where.get("name"))) if x)
        if where.get("status"):
            place += f"（{where['status']}）"
        if school:
            unit = f"{text(school.get('name')) or school.get('school_id')}（{text(school.get('county_code'))}）"
        elif household:
            unit = f"户 {household.get('number')}" + (f"（{household['relation']}）" if household.get("relation") else "")
        elif r.get("paying_county"):
            unit = f"发放县 {r['paying_county'].get('code')}"
        else:
            unit = ""
        other = "；".join(
            f"{label} {text(r.get(prop))}" for prop, label in RECORD_FIELDS.get(r.get("source"), ()) if r.get(prop) is not None
        )
        table.add_row(
            r["record_key"], SOURCE_LABELS.get(r.get("source"), text(r.get("source"))), text(r.get("name_raw")),
            text(r.get("id_raw")), text(r.get("birth_date")), place, unit, other,
        )
    console.print(table)

    if trail["contacts"]:
        t = Table(title="帮扶联系人（三包）")
        for col in ("联系人编号", "姓名", "包保类型", "状态", "经由", "手机号", "单位"):
            t.add_column(col)
        for c in sorted(trail["contacts"], key=lambda c: (text(c.get("type")), text(c.get("contact_id")))):
            t.add_row(*(text(c.get(k)) for k in ("contact_id", "name", "type", "status", "via", "phone", "unit")))
        console.print(t)
    else:
        console.print("帮扶联系人：无")
    print_assignments(console, trail.get("assignments", []))
    if trail["visits"]:
        t = Table(title="走访记录")
        for col in ("日期", "方式", "联系人编号", "对象"):
            t.add_column(col)
        for v in sorted(trail["visits"], key=lambda v: text(v.get("date")), reverse=True):
            t.add_row(text(v.get("date")), text(v.get("method")), text(v.get("contact_id")), text(v.get("via")))
        console.print(t)
    else:
        console.print("走访记录：无")
    if trail["findings"]:
        t = Table(title="问题线索")
        t.add_column("类型")
        t.add_column("内容")
        t.add_column("状态")
        for f in trail["findings"]:
            content = "；".join(f"{c} {v}" for c, v in zip(f["columns"], f["values"], strict=False) if v and c != "person_id")
            t.add_row(text(f.get("label")), content, "本次发现" if f.get("active") else "已消除")
        console.print(t)
    else:
        console.print("问题线索：无")
    print_cases(console, trail.get("cases", []))
    if trail.get("decisions"):
        t = Table(title="身份判定（人工，不可修改）")
        for col in ("判定编号", "判定", "记录", "判定人", "时间", "说明"):
            t.add_column(col)
        for d in trail["decisions"]:
            verdict = d["verdict_label"] + (f" {d['withdraws']}" if d.get("withdraws") else "")
            t.add_row(d["decision_id"], verdict, f"{d.get('record_key_a', '')} ↔ {d.get('record_key_b', '')}",
                      d["decided_by"], shown(d["decided_at"]), text(d.get("note")))
        console.print(t)


def trail_command(key: str, store: GraphStore, console: Console, *, reader: Caller) -> int:
    """Print the trail of ``key`` for ``reader`` (the read audited first: one ``trail_read``
    event, also when no person matches); raises PersonNotFound when none in the reader's
    scope does (out of scope: the same message as nonexistent)."""
    # the reader's scope, as in the API: a person out of it is as not found
    trails = [t for t in find_trail(store, key)
              if store.query("api/persons/in_scope", person_id=t["person"]["person_id"], **reader.scope())]
    person_ids = [t["person"]["person_id"] for t in trails]
    record_read(store, reader, TRAIL_READ, person_id=person_ids[0] if len(person_ids) == 1 else None,
                person_ids=person_ids, target=mask_text(key))
    if not trails:
        raise PersonNotFound(f"图中没有与 {key} 对应的人员：请核对人员编号、身份证号或学籍号，或先运行 notoneless run")
    for trail in trails:
        print_trail(console, trail)
    return len(trails)
