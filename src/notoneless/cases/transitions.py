"""The transition tables of the case state machines, one per case type: which
action leads from which states to which, with the reasons, evidence, details, note or
deadline it takes; the initial state of each type, its states, and the transitions
every type shares (data resolved/reappeared, reopen, merge and split of the person).
The vocabulary is in states.py; applying a transition is machine.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from notoneless.cases.reasons import A_REASONS, B_REASONS, S_REASONS, EvidenceKind, EvidenceRule, _rule
from notoneless.cases.states import Action, State
from notoneless.cases.types import CaseType

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
    states = {INITIAL_STATE[ct], S.CLOSED, S.DATA_RESOLVED, S.PENDING_ACCEPTANCE}
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


def transferable_states(ct: CaseType) -> frozenset[State]:
    """States a case can be handed to another county from (being worked, no hand-off pending)."""
    return open_states(ct) - {S.PENDING_ACCEPTANCE}


def closable_states(ct: CaseType) -> frozenset[State]:
    """States whose work is done and only 销号 remains (排除, 已复学, 已补发 …)."""
    return frozenset().union(*(t.sources for t in _SPECIFIC[ct] if t.action is A.CLOSE))


def parkable_states(ct: CaseType) -> frozenset[State]:
    """States a vanished finding moves to 数据已消除: work under way, not yet done.
    A case already done (awaiting 销号) stays where it is: its closure needs no new check;
    so does a case awaiting the new county's 接收 (that county decides)."""
    return open_states(ct) - closable_states(ct) - {S.PENDING_ACCEPTANCE}


def _common(ct: CaseType) -> tuple[Transition, ...]:
    return (
        _t(A.DATA_RESOLVED, tuple(parkable_states(ct)), S.DATA_RESOLVED, system_only=True),
        _t(A.DATA_REAPPEARED, S.DATA_RESOLVED, PREVIOUS, system_only=True),
        _t(A.RESUME, S.DATA_RESOLVED, PREVIOUS, note_required=True),
        _t(A.CONFIRM_CLOSE, S.DATA_RESOLVED, S.CLOSED, evidence=_ANY_EVIDENCE),
        _t(A.REOPEN, S.CLOSED, INITIAL, note_required=True),
        _t(A.MERGE_PERSON, tuple(STATES[ct]), SAME, details=("old_person_id", "new_person_id"), system_only=True),
        _t(A.SPLIT_PERSON, tuple(STATES[ct]), SAME, details=("old_person_id", "new_person_id"), system_only=True),
        # 转出/转入: the run when the finding's county changes, or an officer; the new county
        # accepts (back to where the case was) or returns it, with a reason, to the old one
        _t(A.TRANSFER, tuple(transferable_states(ct)), S.PENDING_ACCEPTANCE, details=("to_county",),
           note_required=True),
        _t(A.ACCEPT, S.PENDING_ACCEPTANCE, PREVIOUS),
        _t(A.RETURN_CASE, S.PENDING_ACCEPTANCE, PREVIOUS, note_required=True),
    )


TRANSITIONS: dict[CaseType, tuple[Transition, ...]] = {ct: _SPECIFIC[ct] + _common(ct) for ct in CaseType}
