"""What deciding a review item would change (决定后：…), in plain Chinese, and whether it
matters: only an item whose decision changes a finding, a case, a payment or an
attribution (the county responsible, 跨县就读) is queued for an officer
(``reviews/set_consequences``: ``queued``, importance + 4). The others stand as the run
decided them at the model's threshold (按阈值自动判定): listed on request (``auto``), with
their explanation, and an officer may still decide them (issue 22: a queue an officer can
finish).

The decision that changes something is the one that goes against this run: two records
of two persons now → 同一人 merges them; two records of one person now → 不是同一人
splits them (confirming the run changes nothing). What the merged or split person would
be is read from the persons' status as ``checks/person_status`` left it (enrolled,
unmatched, eligible …), their payments, active findings and open cases — the definitions
are not computed again here. A merge is certain about both persons; a split does not
know where each of the person's other records would go, so its lines say 可能.

Assessed once per run, after the ledger is reconciled (run.py, the cases stage), for the
undecided items; read with the queue (``reviews/list``, ``reviews/get``) by the API, the
CLI and the pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from notoneless.decisions.judgement import VERDICT_LABELS, Verdict
from notoneless.graph.store import GraphStore

# The finding kinds (checks) a decision can make appear or vanish, in officers' words.
DROPOUT = "unmatched_children"
MISSED = "missed_subsidies"
DUPLICATE = "duplicate_subsidies"
CROSS_COUNTY = "cross_county_students"
CLOSED_STATES = ("销号",)
NOTHING = "不改变任何问题线索、案件或资助"


def _payments(side: Mapping[str, Any]) -> Counter[str]:
    return Counter(side.get("payments") or [])


def merge_consequences(a: Mapping[str, Any], b: Mapping[str, Any], term: str | None) -> list[str]:
    """What 同一人 would change for two records of two persons ``a`` and ``b`` (their facts)."""
    lines: list[str] = []
    gone = [s for s, other in ((a, b), (b, a)) if s["unmatched"] and other["enrolled"]]
    if gone:
        cases = sum(1 for s in gone if "dropout" in (s.get("cases") or []))
        line = f"{len(gone)} 名儿童不再列为疑似辍学"
        if cases:
            line += f"（{cases} 个案件将转为“数据已消除·待确认销号”）"
        lines.append(line)
    elif a["unmatched"] and b["unmatched"]:
        lines.append("2 条疑似辍学线索合为 1 条（案件合并）")
    if term:
        missed = [s for s, other in ((a, b), (b, a)) if MISSED in (s.get("findings") or [])
                  and any(p.split("|")[0] == term for p in _payments(other))]
        if missed:
            lines.append(f"{len(missed)} 名儿童不再列为漏助（另一条记录名下已有 {term} 的发放）")
    shared = sorted(set(_payments(a)) & set(_payments(b)))
    if shared:
        what = "、".join(p.replace("|", " ") for p in shared)
        lines.append(f"将出现重复资助：{what} 同一人领了两次")
    both = sorted(set(a.get("cases") or []) & set(b.get("cases") or []) - {"dropout"})
    if both:
        lines.append("两人同类的案件将合并为一个")
    cross = _merged_cross_county(a, b)
    if cross:
        lines.append(cross)
    return lines


def _merged_cross_county(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """The attribution a merge changes: one person's 户籍 county and the other's school
    county, different, make a cross-county student (跨县就读, checks/cross_county_students)
    that neither is now. 可能: which 户籍 the merged person keeps is the run's to settle."""
    if CROSS_COUNTY in (a.get("findings") or []) or CROSS_COUNTY in (b.get("findings") or []):
        return None
    for reg, study in ((a, b), (b, a)):
        if (reg.get("reg_county") and study.get("study_county") and study.get("studying")
                and not reg.get("study_county") and not study.get("reg_county")
                and reg["reg_county"] != study["study_county"]):
            return (f"可能新增 1 条跨县就读线索（户籍 {reg['reg_county']}，就读 {study['study_county']}），"
                    "资助与控辍责任县随之改变")
    return None


def split_consequences(person: Mapping[str, Any], sides: Sequence[Mapping[str, Any]], term: str | None) -> list[str]:
    """What 不是同一人 would change for two records of one person (``person``: its facts;
    ``sides``: the two records)."""
    lines: list[str] = []
    sources = [s.get("source") for s in sides]
    xueji = [s for s in sides if s.get("source") == "xueji" and s.get("enrol_status") in ("在读", "休学")]
    if (person["enrolled"] and person["compulsory_age"] and person["active_reg"] and not person["excluded"]
            and person["enrolled_records"] == 1 and len(xueji) == 1 and sources.count("xueji") == 1):
        lines.append("可能新增 1 名疑似辍学儿童（分开后，另一方没有在读学籍）")
    if CROSS_COUNTY in (person.get("findings") or []) and {"hukou", "xueji"} <= set(sources):
        lines.append("跨县就读线索可能消除（分开后户籍与学籍不再属于同一人），资助与控辍责任县随之改变")
    paid = [s for s in sides if s.get("source") == "zizhu"]
    if paid and DUPLICATE in (person.get("findings") or []):
        lines.append("重复资助线索可能消除（这笔发放归另一人）")
    if paid and term and person["eligible"] and person["studying_compulsory"]:
        in_term = [p for p in _payments(person).elements() if p.split("|")[0] == term]
        if len(in_term) == len([s for s in paid if s.get("term") == term]) and in_term:
            lines.append(f"可能新增 1 条漏助（{term} 的发放归另一人后，该儿童本学期没有发放）")
    return lines


def assess_item(same_person: bool, sides: Sequence[Mapping[str, Any]], term: str | None) -> tuple[Verdict, list[str]]:
    """The decision that goes against the run, and what it would change."""
    if same_person or len(sides) < 2 or sides[0]["person_id"] == sides[1]["person_id"]:
        return Verdict.DIFFERENT, split_consequences(sides[0], sides, term)
    return Verdict.SAME, merge_consequences(sides[0], sides[1], term)


def describe(item: Mapping[str, Any]) -> str:
    """One review item's consequence in words: "决定为同一人后：1 名儿童不再列为疑似辍学"."""
    verdict = item.get("consequence_verdict")
    lines = item.get("consequences") or []
    if not verdict:
        return ""
    if not lines:
        return f"决定后：{NOTHING}"
    return f"决定为{VERDICT_LABELS[Verdict(verdict)]}后：" + "；".join(lines)


def assess(store: GraphStore, run_id: str) -> int:
    """Assess every undecided review item of run ``run_id``, and queue those whose decision
    changes something (``queued``); returns how many are queued — those, and any item that
    could not be assessed (its records not found), which stays queued."""
    rows = []
    unassessed = 0
    for r in store.query("reviews/consequence_facts", run_id=run_id, closed=list(CLOSED_STATES)):
        if not r["sides"]:
            unassessed += 1
            continue
        verdict, lines = assess_item(bool(r["same_person"]), r["sides"], r["term"])
        rows.append({"review_id": r["review_id"], "verdict": verdict.value, "consequences": lines})
    if rows:
        store.write_rows("reviews/set_consequences", rows)
    return unassessed + sum(1 for r in rows if r["consequences"])


def queue_line(queued: int, undecided: int) -> str:
    """The run's line on the queue, for officers: what to review, and what was left to the threshold."""
    line = f"待核身份冲突 {queued} 处：决定后会改变问题线索、案件、资助或责任县，需人工核实（notoneless reviews list）"
    if undecided > queued:
        line += (f"；另 {undecided - queued} 处决定后不改变任何线索、案件或资助，已按阈值自动判定"
                 "（notoneless reviews list --auto 查看，仍可人工判定）")
    return line
