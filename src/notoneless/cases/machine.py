"""The case state machines, one table per case type (pure; the ledger applies them).
This module applies them: what the machine sees of a case (``CaseView``), an
officer's request (``ActionRequest``), the validated ``Step``, ``allowed`` and
``apply``. The states and actions are in states.py, the tables in transitions.py.

Dropout cases (疑似失学辍学) follow the notices' workflow::

    待核实 ─开始核实→ 核实中 ─排除(B1–B10 + 佐证)→ 排除 ─销号→ 销号
                          └─确认辍学(A1–A8)→ 确认辍学 ─开始劝返(三帮一)→ 劝返中
    劝返中 ─记录劝返(日期/人员/方式/结果)↺ ─复学→ 已复学 ─销号→ 销号
           ─送教上门(A3)→ 送教上门 ─销号→ 销号
           ─书面通知(期限)→ 书面通知 ─(逾期)司法介入→ 司法介入 ─复学→ 已复学

The subsidy, verification and contact-gap cases have short machines
(待处理 → 已补发/已追回/已指派… → 销号). Every type shares:

- ``数据已消除·待确认销号``: the finding vanished from a new run's data; an officer
  confirms the closure (``confirm_close``, with evidence) or resumes the work;
  if the finding comes back, the case returns to where it was (``data_reappeared``).
- ``reopen``: a closed case whose finding reappears (or that an officer reopens)
  starts over at its initial state.
- ``merge_person``: an audit-only event when the case's person was merged into
  another person id by linkage (on both cases when two cases of the merged persons meet);
- ``split_person``: an audit-only event when the case's person was split (an
  officer's "different persons" decision, or the model) and the case follows the part
  whose records it is about.

An illegal transition raises ``CaseError`` naming the allowed next steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from notoneless.cases.reasons import (
    ANY_KIND,
    ANY_KIND_TEXT,
    EVIDENCE_LABELS,
    REASONS,
    Evidence,
    check_reason,
    get_reason,
)
from notoneless.cases.states import ACTION_LABELS, DETAIL_LABELS, Action, State
from notoneless.cases.transitions import INITIAL, INITIAL_STATE, PREVIOUS, SAME, TRANSITIONS, Transition
from notoneless.cases.types import CASE_TYPES, CaseType
from notoneless.errors import CaseError

A = Action


@dataclass(frozen=True)
class CaseView:
    """What the machine needs to know of a case."""

    case_type: CaseType
    state: State
    case_id: str = ""
    reason_code: str | None = None  # the case's classification (A/B/S reason)
    resume_state: State | None = None  # state before 数据已消除
    attempts: int = 0  # persuasion attempts recorded
    notice_deadline: date | None = None
    responsible_county: str | None = None
    transfer_from: str | None = None  # the county that handed the case over (待接收)


@dataclass(frozen=True)
class ActionRequest:
    action: Action
    by: str
    reason: str | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None
    deadline: date | None = None
    details: Mapping[str, str] = field(default_factory=dict)
    system: bool = False  # the reconciler, not an officer


@dataclass(frozen=True)
class Step:
    """A validated transition: the event to record and the case properties to set."""

    action: Action
    from_state: State
    to_state: State
    reason_code: str | None
    evidence: tuple[Evidence, ...]
    note: str | None
    deadline: date | None
    details: dict[str, str]
    case_updates: dict[str, object]


def allowed(case: CaseView, *, system: bool = False) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS[case.case_type]
        if case.state in t.sources and (system or not t.system_only) and not (t.target == PREVIOUS and case.resume_state is None)
    ]


def describe_allowed(case: CaseView, *, system: bool = False) -> str:
    options = allowed(case, system=system)
    if not options:
        return "无（案件已办结）"
    return "、".join(f"{ACTION_LABELS[t.action]}({t.action.value})→{target_state(case, t)}" for t in options)


def target_state(case: CaseView, t: Transition) -> State:
    """The state ``t`` would move ``case`` to (原状态, 消除前状态 and 初始状态 resolved)."""
    if t.target == SAME:
        return case.state
    if t.target == PREVIOUS:
        return case.resume_state or INITIAL_STATE[case.case_type]
    if t.target == INITIAL:
        return INITIAL_STATE[case.case_type]
    return State(t.target)


def _fail(case: CaseView, msg: str, code: str) -> CaseError:
    return CaseError(f"案件 {case.case_id or ''}（{CASE_TYPES[case.case_type].label}，当前状态「{case.state.value}」）：{msg}", code=code)


def apply(case: CaseView, request: ActionRequest, *, today: date) -> Step:
    """Validate ``request`` against ``case`` and return the step to record; raise ``CaseError`` if illegal."""
    if not request.by or not request.by.strip():
        raise _fail(case, "没有填写经办人：请用 --by 填写姓名。", "CASE_BY_MISSING")
    candidates = [t for t in TRANSITIONS[case.case_type] if t.action is request.action]
    t = next((c for c in candidates if case.state in c.sources), None)
    if t is None or (t.system_only and not request.system) or (t.target == PREVIOUS and case.resume_state is None):
        if not candidates:
            why = f"此类案件没有「{ACTION_LABELS[request.action]}」操作。"
        elif candidates[0].system_only and not request.system:
            why = f"「{ACTION_LABELS[request.action]}」由系统比对自动记录，不能手工执行。"
        else:
            why = f"当前状态不能执行「{ACTION_LABELS[request.action]}」。"
        raise _fail(case, why + f"可执行的操作：{describe_allowed(case, system=request.system)}", "CASE_ILLEGAL_TRANSITION")

    label = ACTION_LABELS[t.action]
    reason_code = None
    if t.reasons:
        if not request.reason:
            options = "、".join(REASONS[c].display for c in sorted(t.reasons, key=lambda c: (c[0], int(c[1:]))))
            raise _fail(case, f"「{label}」需要原因代码（--reason）。可用原因：{options}", "CASE_REASON_MISSING")
        reason_code = check_reason(request.reason, t.reasons, request.evidence, request.note).code
    elif request.reason:
        if t.action in (A.CLOSE, A.CONFIRM_CLOSE, A.REOPEN, A.RESUME):
            reason_code = get_reason(request.reason).code  # an optional classification of the closure
        else:
            raise _fail(case, f"「{label}」不需要原因代码，请去掉 --reason。", "CASE_REASON_NOT_ALLOWED")

    missing = t.evidence.missing(request.evidence)
    if missing:
        need = "、".join(ANY_KIND_TEXT if g == ANY_KIND else "或".join(sorted(EVIDENCE_LABELS[k] for k in g))
                        for g in missing)
        raise _fail(case, f"「{label}」缺少佐证材料：{need}。请用 --evidence 种类=编号 补充。", "CASE_EVIDENCE_MISSING")

    details = {k: str(v).strip() for k, v in request.details.items() if v is not None and str(v).strip()}
    lacking = [k for k in t.details if k not in details]
    if lacking:
        need = "、".join(f"{DETAIL_LABELS.get(k, k)}({k})" for k in lacking)
        raise _fail(case, f"「{label}」缺少明细：{need}。请用 --detail 名称=值 补充。", "CASE_DETAIL_MISSING")
    if t.note_required and not (request.note and request.note.strip()):
        raise _fail(case, f"「{label}」需要备注说明：请用 --note 填写。", "CASE_NOTE_MISSING")
    if t.deadline_required:
        if request.deadline is None:
            raise _fail(case, f"「{label}」需要限期日期：请用 --deadline YYYY-MM-DD 填写。", "CASE_DEADLINE_MISSING")
        if request.deadline <= today:
            raise _fail(case, f"「{label}」的限期 {request.deadline} 应晚于今天 {today}。", "CASE_DEADLINE_PAST")
    if case.attempts < t.min_attempts:
        raise _fail(
            case,
            f"「{label}」之前至少要记录 {t.min_attempts} 次劝返（已记录 {case.attempts} 次）：先执行 记录劝返(record_attempt)。",
            "CASE_ATTEMPTS_MISSING",
        )
    if t.case_reasons and case.reason_code not in t.case_reasons:
        need = "、".join(REASONS[c].display for c in sorted(t.case_reasons))
        raise _fail(case, f"「{label}」只适用于辍学原因为 {need} 的案件（本案为 {case.reason_code or '未分类'}）。", "CASE_REASON_MISMATCH")
    if t.after_notice_deadline and (case.notice_deadline is None or today <= case.notice_deadline):
        raise _fail(
            case,
            f"「{label}」要在书面通知限期（{case.notice_deadline}）届满后才能执行；期限内请继续 记录劝返 或办理 复学。",
            "CASE_NOTICE_NOT_DUE",
        )

    to_state = target_state(case, t)
    updates: dict[str, object] = {"state": to_state.value}
    if reason_code and t.reasons:
        updates["reason_code"] = reason_code
        # when and on what evidence: how long the reason holds counts from here (reasons.VALIDITY)
        updates["reason_at"] = today
        updates["reason_evidence"] = [str(e) for e in request.evidence]
    if to_state is State.CLOSED:
        updates["closed_from"] = case.state.value  # 核实无重复 → 销号 holds like an exclusion
    if t.action is A.DATA_RESOLVED:
        updates["resume_state"] = case.state.value
    if t.target == PREVIOUS:
        updates["resume_state"] = None
    if t.action is A.RECORD_ATTEMPT:
        updates["attempts"] = case.attempts + 1
    if t.action is A.WRITTEN_NOTICE:
        updates["notice_deadline"] = request.deadline
    if t.action is A.REOPEN:
        updates.update(reason_code=None, resume_state=None, attempts=0, notice_deadline=None, reason_at=None,
                       reason_evidence=None, closed_from=None, hold_note=None)
    if t.action is A.TRANSFER:
        to_county = details["to_county"]
        if not (to_county.isdigit() and len(to_county) == 6):
            raise _fail(case, f"新责任县「{to_county}」应为 6 位县级区划代码。", "CASE_DETAIL_INVALID")
        if to_county == case.responsible_county:
            raise _fail(case, f"案件已属 {to_county}，无需转出。", "CASE_DETAIL_INVALID")
        details["from_county"] = case.responsible_county or ""
        updates.update(resume_state=case.state.value, transfer_from=case.responsible_county,
                       responsible_county=to_county, returned_from=None)
        if not request.system:  # the officer knows the county only: town and village are the new county's to set
            updates.update(responsible_town=None, responsible_village=None)
    if t.action is A.ACCEPT:
        updates.update(resume_state=None, transfer_from=None)
    if t.action is A.RETURN_CASE:
        updates.update(resume_state=None, transfer_from=None, responsible_county=case.transfer_from,
                       returned_from=case.responsible_county, responsible_town=None, responsible_village=None)
    if t.action is A.START_PERSUASION:
        updates["team"] = [f"{DETAIL_LABELS[k]}:{details[k]}" for k in t.details]
    return Step(
        action=t.action,
        from_state=case.state,
        to_state=to_state,
        reason_code=reason_code,
        evidence=tuple(request.evidence),
        note=request.note.strip() if request.note else None,
        deadline=request.deadline,
        details=details,
        case_updates=updates,
    )
