"""What deciding a review item would change (决定后：…), in plain Chinese, and whether it
matters: only an item whose decision changes a finding, a case, a payment or an
attribution (the county responsible, 跨县就读) is queued for an officer
(``reviews/set_consequences``: ``queued``, importance + 4). The others stand as the run
decided them at the model's threshold (按阈值自动判定): listed on request (``auto``), with
their explanation, and an officer may still decide them (issue 22: a queue an officer can
finish).

One more kind of item stands without an officer although deciding it would change
something: a pair the model scored below the threshold (``NEAR_THRESHOLD`` only) whose two
persons each hold a valid ID number, the two numbers different and not one slip of the
keyboard apart (``ids_differ``, the guard's own rule for "two persons": linkage/guard.py).
The numbers agree with the threshold's 不同人, so the model's doubt is not a conflict of
evidence; the item keeps its consequences and says why it was not queued (``auto_reason``).
On the hard profile at 1M records these were 2,099 of 2,250 queued items, of which the
threshold had decided 2,098 right (linkage_models/README.md).

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
from dataclasses import dataclass
from typing import Any

from notoneless.decisions.judgement import VERDICT_LABELS, Verdict
from notoneless.graph.store import GraphStore
from notoneless.linkage.conflicts import NEAR_THRESHOLD
from notoneless.linkage.guard import one_family

# The finding kinds (checks) a decision can make appear or vanish, in officers' words.
DROPOUT = "unmatched_children"
MISSED = "missed_subsidies"
DUPLICATE = "duplicate_subsidies"
CROSS_COUNTY = "cross_county_students"
CLOSED_STATES = ("销号",)
NOTHING = "不改变任何问题线索、案件或资助"
IDS_AGREE = "两人各有有效且不同的身份证号（并非一位录入之差），与按阈值判为不同人一致，未排入待核"


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


def ids_differ(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two persons' valid ID numbers (``ids``) say they are two: each holds at least one,
    and no number of one is a number of the other or of its ID family (``guard.one_family``,
    a body slip counting when the two share a name, ``names``)."""
    ids_a, ids_b = a.get("ids") or [], b.get("ids") or []
    shared_name = bool(set(a.get("names") or []) & set(b.get("names") or []))
    return bool(ids_a) and bool(ids_b) and not any(
        x == y or one_family(x, y, shared_name=shared_name) for x in ids_a for y in ids_b)


def auto_reason(codes: Sequence[str], verdict: Verdict, sides: Sequence[Mapping[str, Any]]) -> str | None:
    """Why an item whose decision changes something is still left to the threshold, or
    None: the model scored the pair below the threshold (``NEAR_THRESHOLD`` alone) and the
    two persons' ID numbers say they are two (``ids_differ``)."""
    if verdict is Verdict.SAME and set(codes or ()) == {NEAR_THRESHOLD} and ids_differ(sides[0], sides[1]):
        return IDS_AGREE
    return None


def describe(item: Mapping[str, Any]) -> str:
    """One review item's consequence in words: "决定为同一人后：1 名儿童不再列为疑似辍学",
    and why it was not queued when it changes something (``auto_reason``)."""
    verdict = item.get("consequence_verdict")
    lines = item.get("consequences") or []
    if not verdict:
        return ""
    if not lines:
        return f"决定后：{NOTHING}"
    text = f"决定为{VERDICT_LABELS[Verdict(verdict)]}后：" + "；".join(lines)
    reason = item.get("auto_reason")
    return f"{text}（{reason}）" if reason else text


@dataclass(frozen=True, slots=True)
class QueueAssessment:
    """What a run's assessment queued for officers, and what it left to the threshold
    although deciding it would change something (the ID numbers agree with it)."""

    queued: int
    ids_agree: int = 0


def assess(store: GraphStore, run_id: str) -> QueueAssessment:
    """Assess every undecided review item of run ``run_id``, and queue those whose decision
    changes something (``queued``) unless the ID numbers agree with the threshold
    (``auto_reason``). Queued: those, and any item that could not be assessed (its records
    not found), which stays queued."""
    rows = []
    unassessed = 0
    for r in store.query("reviews/consequence_facts", run_id=run_id, closed=list(CLOSED_STATES)):
        if not r["sides"]:
            unassessed += 1
            continue
        verdict, lines = assess_item(bool(r["same_person"]), r["sides"], r["term"])
        reason = auto_reason(r["codes"], verdict, r["sides"]) if lines else None
        rows.append({"review_id": r["review_id"], "verdict": verdict.value, "consequences": lines,
                     "queued": bool(lines) and reason is None, "auto_reason": reason})
    if rows:
        store.write_rows("reviews/set_consequences", rows)
    return QueueAssessment(queued=unassessed + sum(1 for r in rows if r["queued"]),
                           ids_agree=sum(1 for r in rows if r["auto_reason"]))


def queue_line(assessed: QueueAssessment, undecided: int) -> str:
    """The run's line on the queue, for officers: what to review, and what was left to the threshold."""
    queued, agree = assessed.queued, assessed.ids_agree
    line = f"待核身份冲突 {queued} 处：决定后会改变问题线索、案件、资助或责任县，需人工核实（notoneless reviews list）"
    nothing = undecided - queued - agree
    if agree:
        line += f"；另 {agree} 处双方身份证号有效且不同，与阈值的判定一致，已按阈值自动判定"
    if nothing > 0:
        line += f"；另 {nothing} 处决定后不改变任何线索、案件或资助，已按阈值自动判定"
    if agree or nothing > 0:
        line += "（notoneless reviews list --auto 查看，仍可人工判定）"
    return line
