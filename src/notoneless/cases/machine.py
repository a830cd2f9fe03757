"""The case state machines, one table per case type (pure; the ledger applies them).

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
from enum import StrEnum
from typing import Mapping

from notoneless.cases.reasons import (
    A_REASONS,
    B_REASONS,
    EVIDENCE_LABELS,
    REASONS,
    S_REASONS,
    Evidence,
    EvidenceKind,
    EvidenceRule,
    _rule,
    check_reason,
    get_reason,
)
from notoneless.cases.types import CASE_TYPES, CaseType
from notoneless.errors import CaseError


class State(StrEnum):
    """Case states (value = what officers read)."""

    PENDING_VERIFICATION = "待核实"
    VERIFYING = "核实中"
    EXCLUDED = "排除"
    CONFIRMED_DROPOUT = "确认辍学"
    PERSUADING = "劝返中"
    RETURNED = "已复学"
    HOME_TEACHING = "送教上门"
    WRITTEN_NOTICE = "书面通知"
    JUDICIAL = "司法介入"
    PENDING = "待处理"
    PAID = "已补发"
    EXEMPTED = "不予补发"
    RECOVERED = "已追回"
    OFFSET = "已抵扣"
    NOT_DUPLICATE = "核实无重复"
    VERIFIED_ATTENDING = "核实在校"
    VERIFIED_ABSENT = "核实不在校"
    ASSIGNED = "已指派"
    VISITED = "已走访"
    DATA_RESOLVED = "数据已消除·待确认销号"
    CLOSED = "销号"


class Action(StrEnum):
    """What an officer (or the reconciler) does to a case (value = English code)."""

    OPEN = "open"
    START_VERIFICATION = "start_verification"
    EXCLUDE = "exclude"
    CONFIRM_DROPOUT = "confirm_dropout"
    START_PERSUASION = "start_persuasion"
    RECORD_ATTEMPT = "record_attempt"
    RETURN_TO_SCHOOL = "return_to_school"
    HOME_TEACHING = "home_teaching"
    WRITTEN_NOTICE = "written_notice"
    JUDICIAL = "judicial"
    PAY = "pay"
    EXEMPT = "exempt"
    RECOVER = "recover"
    OFFSET = "offset"
    NOT_DUPLICATE = "not_duplicate"
    VERIFY_ATTENDING = "verify_attending"
    VERIFY_ABSENT = "verify_absent"
    ASSIGN = "assign"
    VISIT = "visit"
    CLOSE = "close"
    DATA_RESOLVED = "data_resolved"
    DATA_REAPPEARED = "data_reappeared"
    RESUME = "resume"
    CONFIRM_CLOSE = "confirm_close"
    REOPEN = "reopen"
    MERGE_PERSON = "merge_person"
    SPLIT_PERSON = "split_person"


ACTION_LABELS: dict[Action, str] = {
    Action.OPEN: "立案",
    Action.START_VERIFICATION: "开始核实",
    Action.EXCLUDE: "排除",
    Action.CONFIRM_DROPOUT: "确认辍学",
    Action.START_PERSUASION: "开始劝返",
    Action.RECORD_ATTEMPT: "记录劝返",
    Action.RETURN_TO_SCHOOL: "复学",
    Action.HOME_TEACHING: "送教上门",
    Action.WRITTEN_NOTICE: "书面通知",
    Action.JUDICIAL: "司法介入",
    Action.PAY: "补发",
    Action.EXEMPT: "不予补发",
    Action.RECOVER: "追回",
    Action.OFFSET: "抵扣",
    Action.NOT_DUPLICATE: "核实无重复",
    Action.VERIFY_ATTENDING: "核实在校",
    Action.VERIFY_ABSENT: "核实不在校",
    Action.ASSIGN: "指派联系人",
    Action.VISIT: "补走访",
    Action.CLOSE: "销号",
    Action.DATA_RESOLVED: "数据已消除",
    Action.DATA_REAPPEARED: "数据再现",
    Action.RESUME: "恢复办理",
    Action.CONFIRM_CLOSE: "确认销号",
    Action.REOPEN: "重新打开",
    Action.MERGE_PERSON: "人员合并",
    Action.SPLIT_PERSON: "人员拆分",
}

DETAIL_LABELS: dict[str, str] = {
    "school_leader": "校领导",
    "teacher": "教师",
    "village_cadre": "村干部",
    "date": "日期",
    "who": "人员",
    "method": "方式",
    "outcome": "结果",
    "amount": "金额",
    "contact_id": "联系人编号",
    "old_person_id": "原人员编号",
    "new_person_id": "新人员编号",
}
_DETAIL_BY_TEXT = {**{k: k for k in DETAIL_LABELS}, **{v: k for k, v in DETAIL_LABELS.items()}}


def parse_action(text: str) -> Action:
    t = text.strip()
    for a, label in ACTION_LABELS.items():
        if t in (a.value, label):
            return a
    raise CaseError(
        f"操作「{text}」不存在。可用操作：{'、'.join(f'{lbl}({a.value})' for a, lbl in ACTION_LABELS.items())}",
        code="CASE_ACTION_UNKNOWN",
    )


def parse_detail_key(text: str) -> str:
    key = _DETAIL_BY_TEXT.get(text.strip())
    if key is None:
        raise CaseError(f"明细项「{text}」不认识。可用：{'、'.join(f'{v}({k})' for k, v in DETAIL_LABELS.items())}")
    return key


SAME = "<same>"  # target: stay in the current state (an audit-only event)
PREVIOUS = "<previous>"  # target: the state the case was in before 数据已消除
INITIAL = "<initial>"  # target: the type's initial state


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State | str
    reasons: frozenset[str] = frozenset()  # allowed reason codes; empty = no reason taken
    evidence: EvidenceRule = EvidenceRule()  # besides the reason's own rule
    details: tuple[str, ...] = ()  # required detail keys
    note_required: bool = False
    deadline_required: bool = False
    system_only: bool = False
    min_attempts: int = 0  # persuasion attempts recorded before this step
    case_reasons: frozenset[str] = frozenset()  # the case's classification must be one of these
    after_notice_deadline: bool = False  # only once the written notice's deadline has passed

    def target_label(self) -> str:
        return {SAME: "原状态", PREVIOUS: "消除前状态", INITIAL: "初始状态"}.get(str(self.target), str(self.target))


S = State
A = Action


def _t(action: Action, sources: tuple[State, ...] | State, target: State | str, **kw) -> Transition:
    src = frozenset(sources if isinstance(sources, tuple) else (sources,))
    return Transition(action, src, target, **kw)


_ANY_EVIDENCE = EvidenceRule((frozenset(EvidenceKind),))

DROPOUT_OPEN = (
    S.PENDING_VERIFICATION,
    S.VERIFYING,
    S.EXCLUDED,
    S.CONFIRMED_DROPOUT,
    S.PERSUADING,
    S.RETURNED,
    S.HOME_TEACHING,
    S.WRITTEN_NOTICE,
    S.JUDICIAL,
)

_DROPOUT = (
    _t(A.START_VERIFICATION, S.PENDING_VERIFICATION, S.VERIFYING),
    _t(A.EXCLUDE, (S.VERIFYING, S.CONFIRMED_DROPOUT, S.PERSUADING), S.EXCLUDED, reasons=B_REASONS),
    _t(A.CONFIRM_DROPOUT, S.VERIFYING, S.CONFIRMED_DROPOUT, reasons=A_REASONS),
    _t(A.START_PERSUASION, S.CONFIRMED_DROPOUT, S.PERSUADING, details=("school_leader", "teacher", "village_cadre")),
    _t(A.RECORD_ATTEMPT, (S.PERSUADING, S.WRITTEN_NOTICE), SAME, details=("date", "who", "method", "outcome")),
    _t(
        A.RETURN_TO_SCHOOL,
        (S.PERSUADING, S.WRITTEN_NOTICE, S.JUDICIAL, S.HOME_TEACHING),
        S.RETURNED,
        evidence=_rule(EvidenceKind.XUEJI_NO, EvidenceKind.SCHOOL_NAME),
    ),
    _t(
        A.HOME_TEACHING,
        (S.CONFIRMED_DROPOUT, S.PERSUADING),
        S.HOME_TEACHING,
        evidence=_rule(EvidenceKind.HOME_TEACHING_PLAN),
        case_reasons=frozenset({"A3"}),
    ),
    _t(
        A.WRITTEN_NOTICE,
        S.PERSUADING,
        S.WRITTEN_NOTICE,
        evidence=_rule(EvidenceKind.RETURN_NOTICE),
        deadline_required=True,
        min_attempts=1,
    ),
    _t(
        A.JUDICIAL,
        S.WRITTEN_NOTICE,
        S.JUDICIAL,
        evidence=_rule(EvidenceKind.JUDICIAL_DOCUMENT),
        after_notice_deadline=True,
    ),
    _t(A.CLOSE, (S.EXCLUDED, S.RETURNED, S.HOME_TEACHING), S.CLOSED),
)

_MISSED = (
    _t(A.PAY, S.PENDING, S.PAID, evidence=_rule(EvidenceKind.PAYMENT_RECORD), details=("date", "amount")),
    _t(A.EXEMPT, S.PENDING, S.EXEMPTED, reasons=S_REASONS),
    _t(A.CLOSE, (S.PAID, S.EXEMPTED), S.CLOSED),
)

_DUPLICATE = (
    _t(A.RECOVER, S.PENDING, S.RECOVERED, evidence=_rule(EvidenceKind.REFUND_RECORD), details=("amount",)),
    _t(A.OFFSET, S.PENDING, S.OFFSET, evidence=_rule(EvidenceKind.OFFSET_RECORD), details=("amount",)),
    _t(A.NOT_DUPLICATE, S.PENDING, S.NOT_DUPLICATE, evidence=_rule(EvidenceKind.PAYMENT_RECORD), note_required=True),
    _t(A.CLOSE, (S.RECOVERED, S.OFFSET, S.NOT_DUPLICATE), S.CLOSED),
)

_CROSS = (
    _t(A.VERIFY_ATTENDING, S.PENDING_VERIFICATION, S.VERIFIED_ATTENDING, evidence=_rule(EvidenceKind.ATTENDANCE_CHECK)),
    _t(A.VERIFY_ABSENT, S.PENDING_VERIFICATION, S.VERIFIED_ABSENT, evidence=_rule(EvidenceKind.ATTENDANCE_CHECK), note_required=True),
    _t(A.CLOSE, (S.VERIFIED_ATTENDING, S.VERIFIED_ABSENT), S.CLOSED),
)

_GAP = (
    _t(A.ASSIGN, S.PENDING, S.ASSIGNED, details=("contact_id",)),
    _t(A.VISIT, (S.PENDING, S.ASSIGNED), S.VISITED, details=("contact_id", "date", "method")),
    _t(A.CLOSE, (S.ASSIGNED, S.VISITED), S.CLOSED),
)

INITIAL_STATE: dict[CaseType, State] = {
    CaseType.DROPOUT: S.PENDING_VERIFICATION,
    CaseType.CROSS_COUNTY: S.PENDING_VERIFICATION,
    CaseType.DUPLICATE_SUBSIDY: S.PENDING,
    CaseType.MISSED_SUBSIDY: S.PENDING,
    CaseType.CONTACT_GAP: S.PENDING,
}

_SPECIFIC: dict[CaseType, tuple[Transition, ...]] = {
    CaseType.DROPOUT: _DROPOUT,
    CaseType.CROSS_COUNTY: _CROSS,
    CaseType.DUPLICATE_SUBSIDY: _DUPLICATE,
    CaseType.MISSED_SUBSIDY: _MISSED,
    CaseType.CONTACT_GAP: _GAP,
}


def _states_of(ct: CaseType) -> frozenset[State]:
    states = {INITIAL_STATE[ct], S.CLOSED, S.DATA_RESOLVED}
    for t in _SPECIFIC[ct]:
        states |= t.sources
        if isinstance(t.target, State):
            states.add(t.target)
    return frozenset(states)


STATES: dict[CaseType, frozenset[State]] = {ct: _states_of(ct) for ct in CaseType}
TERMINAL: frozenset[State] = frozenset({S.CLOSED})


def open_states(ct: CaseType) -> frozenset[State]:
    """States of a case still being worked (everything but 销号 and 数据已消除)."""
    return STATES[ct] - {S.CLOSED, S.DATA_RESOLVED}


def closable_states(ct: CaseType) -> frozenset[State]:
    """States whose work is done and only 销号 remains (排除, 已复学, 已补发 …)."""
    return frozenset().union(*(t.sources for t in _SPECIFIC[ct] if t.action is A.CLOSE))


def parkable_states(ct: CaseType) -> frozenset[State]:
    """States a vanished finding moves to 数据已消除: work under way, not yet done.
    A case already done (awaiting 销号) stays where it is: its closure needs no new check."""
    return open_states(ct) - closable_states(ct)


def _common(ct: CaseType) -> tuple[Transition, ...]:
    return (
        _t(A.DATA_RESOLVED, tuple(parkable_states(ct)), S.DATA_RESOLVED, system_only=True),
        _t(A.DATA_REAPPEARED, S.DATA_RESOLVED, PREVIOUS, system_only=True),
        _t(A.RESUME, S.DATA_RESOLVED, PREVIOUS, note_required=True),
        _t(A.CONFIRM_CLOSE, S.DATA_RESOLVED, S.CLOSED, evidence=_ANY_EVIDENCE),
        _t(A.REOPEN, S.CLOSED, INITIAL, note_required=True),
        _t(A.MERGE_PERSON, tuple(STATES[ct]), SAME, details=("old_person_id", "new_person_id"), system_only=True),
        _t(A.SPLIT_PERSON, tuple(STATES[ct]), SAME, details=("old_person_id", "new_person_id"), system_only=True),
    )


TRANSITIONS: dict[CaseType, tuple[Transition, ...]] = {ct: _SPECIFIC[ct] + _common(ct) for ct in CaseType}


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
    return "、".join(f"{ACTION_LABELS[t.action]}({t.action.value})→{_target(case, t)}" for t in options)


def _target(case: CaseView, t: Transition) -> State:
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
        need = "、".join("或".join(sorted(EVIDENCE_LABELS[k] for k in g)) for g in missing)
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

    to_state = _target(case, t)
    updates: dict[str, object] = {"state": to_state.value}
    if reason_code and t.reasons:
        updates["reason_code"] = reason_code
    if t.action is A.DATA_RESOLVED:
        updates["resume_state"] = case.state.value
    if t.target == PREVIOUS:
        updates["resume_state"] = None
    if t.action is A.RECORD_ATTEMPT:
        updates["attempts"] = case.attempts + 1
    if t.action is A.WRITTEN_NOTICE:
        updates["notice_deadline"] = request.deadline
    if t.action is A.REOPEN:
        updates.update(reason_code=None, resume_state=None, attempts=0, notice_deadline=None)
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
