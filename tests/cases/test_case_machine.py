"""Table-driven tests of the case state machines: every transition, every illegal one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from notoneless.cases.machine import ActionRequest, CaseView, allowed, apply
from notoneless.cases.reasons import REASONS, Evidence, EvidenceKind
from notoneless.cases.states import ACTION_LABELS, Action, State
from notoneless.cases.transitions import INITIAL_STATE, PREVIOUS, SAME, STATES, TRANSITIONS, Transition
from notoneless.cases.types import CaseType
from notoneless.errors import CaseError

TODAY = date(2025, 10, 20)


def _first_reason(t: Transition) -> str | None:
    if not t.reasons:
        return None
    return sorted(t.reasons, key=lambda c: (c[0], int(c[1:])))[0]


def complete_request(t: Transition) -> ActionRequest:
    """A request that satisfies every requirement of ``t``."""
    reason = _first_reason(t)
    kinds: set[EvidenceKind] = set()
    for g in t.evidence.groups:
        kinds.add(sorted(g)[0])
    if reason:
        for g in REASONS[reason].evidence.groups:
            kinds.add(sorted(g)[0])
    return ActionRequest(
        action=t.action,
        by="王老师",
        reason=reason,
        evidence=tuple(Evidence(k, f"ref-{k.value}") for k in sorted(kinds)),
        note="说明",
        deadline=TODAY + timedelta(days=15),
        details={k: "431299" if k == "to_county" else f"v-{k}" for k in t.details},
        system=t.system_only,
    )


def case_for(ct: CaseType, state: State, t: Transition | None = None) -> CaseView:
    """A case in ``state`` meeting the case-level preconditions of ``t``."""
    return CaseView(
        case_type=ct,
        state=state,
        case_id="KB-TEST",
        reason_code=sorted(t.case_reasons)[0] if t is not None and t.case_reasons else "A1",
        resume_state=INITIAL_STATE[ct] if state in (State.DATA_RESOLVED, State.PENDING_ACCEPTANCE) else None,
        attempts=t.min_attempts if t is not None else 0,
        notice_deadline=TODAY - timedelta(days=1) if t is not None and t.after_notice_deadline else None,
        responsible_county="431222",
        transfer_from="431202" if state is State.PENDING_ACCEPTANCE else None,
    )


LEGAL = [
    pytest.param(ct, t, src, id=f"{ct.value}-{src.value}-{t.action.value}")
    for ct, ts in TRANSITIONS.items()
    for t in ts
    for src in sorted(t.sources)
]


@pytest.mark.parametrize(("ct", "t", "src"), LEGAL)
def test_every_legal_transition(ct: CaseType, t: Transition, src: State) -> None:
    case = case_for(ct, src, t)
    step = apply(case, complete_request(t), today=TODAY)
    expected = {SAME: src, PREVIOUS: case.resume_state, "<initial>": INITIAL_STATE[ct]}.get(str(t.target), t.target)
    assert step.from_state is src
    assert step.to_state == expected
    assert step.case_updates["state"] == step.to_state.value
    assert step.to_state in STATES[ct]


ILLEGAL = [
    pytest.param(ct, state, action, id=f"{ct.value}-{state.value}-{action.value}")
    for ct in CaseType
    for state in sorted(STATES[ct])
    for action in Action
    if action is not Action.OPEN
    and not any(t.action is action and state in t.sources for t in TRANSITIONS[ct])
]


@pytest.mark.parametrize(("ct", "state", "action"), ILLEGAL)
def test_every_illegal_transition_names_the_allowed_ones(ct: CaseType, state: State, action: Action) -> None:
    case = case_for(ct, state)
    same_action = [t for t in TRANSITIONS[ct] if t.action is action]
    request = complete_request(same_action[0]) if same_action else ActionRequest(action=action, by="王老师", system=True)
    with pytest.raises(CaseError) as exc:
        apply(case, request, today=TODAY)
    msg = str(exc.value)
    assert exc.value.code == "CASE_ILLEGAL_TRANSITION"
    assert state.value in msg
    for option in allowed(case, system=request.system):
        assert ACTION_LABELS[option.action] in msg


def test_system_only_actions_refused_to_officers() -> None:
    case = CaseView(CaseType.DROPOUT, State.VERIFYING)
    with pytest.raises(CaseError, match="系统比对自动记录"):
        apply(case, ActionRequest(Action.DATA_RESOLVED, by="王老师"), today=TODAY)


def test_dropout_happy_path_to_closed() -> None:
    """The notices' whole workflow, step by step, with the state carried along."""
    case = CaseView(CaseType.DROPOUT, State.PENDING_VERIFICATION, case_id="KB-1")
    ev = Evidence
    steps = [
        ActionRequest(Action.START_VERIFICATION, by="李校长"),
        ActionRequest(Action.CONFIRM_DROPOUT, by="李校长", reason="A2"),
        ActionRequest(Action.START_PERSUASION, by="李校长", details={"school_leader": "李校长", "teacher": "陈老师", "village_cadre": "赵主任"}),
        ActionRequest(Action.RECORD_ATTEMPT, by="陈老师", details={"date": "2025-10-21", "who": "陈老师、赵主任", "method": "入户", "outcome": "家长不同意"}),
        ActionRequest(Action.WRITTEN_NOTICE, by="教育局", evidence=(ev(EvidenceKind.RETURN_NOTICE, "复学通知书 2025-07"),), deadline=TODAY + timedelta(days=10)),
    ]
    for req in steps:
        step = apply(case, req, today=TODAY)
        case = CaseView(
            case.case_type,
            step.to_state,
            case.case_id,
            reason_code=step.case_updates.get("reason_code", case.reason_code),
            attempts=int(step.case_updates.get("attempts", case.attempts)),
            notice_deadline=step.case_updates.get("notice_deadline", case.notice_deadline),
        )
    assert case.state is State.WRITTEN_NOTICE and case.attempts == 1 and case.reason_code == "A2"
    judicial = ActionRequest(Action.JUDICIAL, by="司法所", evidence=(ev(EvidenceKind.JUDICIAL_DOCUMENT, "文书1"),))
    with pytest.raises(CaseError, match="限期"):
        apply(case, judicial, today=TODAY)  # the notice's deadline has not passed
    step = apply(case, judicial, today=TODAY + timedelta(days=11))
    assert step.to_state is State.JUDICIAL
    back = apply(
        CaseView(CaseType.DROPOUT, State.JUDICIAL),
        ActionRequest(Action.RETURN_TO_SCHOOL, by="李校长", evidence=(ev(EvidenceKind.XUEJI_NO, "G1"), ev(EvidenceKind.SCHOOL_NAME, "一中"))),
        today=TODAY,
    )
    assert back.to_state is State.RETURNED
    closed = apply(CaseView(CaseType.DROPOUT, State.RETURNED), ActionRequest(Action.CLOSE, by="教育局"), today=TODAY)
    assert closed.to_state is State.CLOSED


@pytest.mark.parametrize(
    ("case", "request_", "code"),
    [
        (CaseView(CaseType.DROPOUT, State.VERIFYING), ActionRequest(Action.CONFIRM_DROPOUT, by="x"), "CASE_REASON_MISSING"),
        (CaseView(CaseType.DROPOUT, State.VERIFYING), ActionRequest(Action.CONFIRM_DROPOUT, by="x", reason="B1"), "CASE_REASON_NOT_ALLOWED"),
        (CaseView(CaseType.DROPOUT, State.VERIFYING), ActionRequest(Action.EXCLUDE, by="x", reason="A1"), "CASE_REASON_NOT_ALLOWED"),
        (CaseView(CaseType.DROPOUT, State.VERIFYING), ActionRequest(Action.CONFIRM_DROPOUT, by="x", reason="A8"), "CASE_NOTE_MISSING"),
        (CaseView(CaseType.DROPOUT, State.VERIFYING), ActionRequest(Action.CONFIRM_DROPOUT, by=" ", reason="A1"), "CASE_BY_MISSING"),
        (CaseView(CaseType.DROPOUT, State.VERIFYING), ActionRequest(Action.CONFIRM_DROPOUT, by="x", reason="Z9"), "CASE_REASON_UNKNOWN"),
        (CaseView(CaseType.DROPOUT, State.PENDING_VERIFICATION), ActionRequest(Action.START_VERIFICATION, by="x", reason="A1"), "CASE_REASON_NOT_ALLOWED"),
        (
            CaseView(CaseType.DROPOUT, State.CONFIRMED_DROPOUT),
            ActionRequest(Action.START_PERSUASION, by="x", details={"school_leader": "a", "teacher": "b"}),
            "CASE_DETAIL_MISSING",
        ),
        (
            CaseView(CaseType.DROPOUT, State.PERSUADING, attempts=0),
            ActionRequest(Action.WRITTEN_NOTICE, by="x", evidence=(Evidence(EvidenceKind.RETURN_NOTICE, "n"),), deadline=TODAY + timedelta(days=5)),
            "CASE_ATTEMPTS_MISSING",
        ),
        (
            CaseView(CaseType.DROPOUT, State.PERSUADING, attempts=2),
            ActionRequest(Action.WRITTEN_NOTICE, by="x", evidence=(Evidence(EvidenceKind.RETURN_NOTICE, "n"),)),
            "CASE_DEADLINE_MISSING",
        ),
        (
            CaseView(CaseType.DROPOUT, State.PERSUADING, attempts=2),
            ActionRequest(Action.WRITTEN_NOTICE, by="x", evidence=(Evidence(EvidenceKind.RETURN_NOTICE, "n"),), deadline=TODAY),
            "CASE_DEADLINE_PAST",
        ),
        (
            CaseView(CaseType.DROPOUT, State.PERSUADING, attempts=2),
            ActionRequest(Action.WRITTEN_NOTICE, by="x", deadline=TODAY + timedelta(days=3)),
            "CASE_EVIDENCE_MISSING",
        ),
        (
            CaseView(CaseType.DROPOUT, State.PERSUADING, reason_code="A2"),
            ActionRequest(Action.HOME_TEACHING, by="x", evidence=(Evidence(EvidenceKind.HOME_TEACHING_PLAN, "p"),)),
            "CASE_REASON_MISMATCH",
        ),
        (
            CaseView(CaseType.DROPOUT, State.WRITTEN_NOTICE, notice_deadline=TODAY),
            ActionRequest(Action.JUDICIAL, by="x", evidence=(Evidence(EvidenceKind.JUDICIAL_DOCUMENT, "j"),)),
            "CASE_NOTICE_NOT_DUE",
        ),
        (
            CaseView(CaseType.DROPOUT, State.DATA_RESOLVED, resume_state=State.PERSUADING),
            ActionRequest(Action.CONFIRM_CLOSE, by="x"),
            "CASE_EVIDENCE_MISSING",
        ),
        (
            CaseView(CaseType.DROPOUT, State.DATA_RESOLVED, resume_state=State.PERSUADING),
            ActionRequest(Action.RESUME, by="x"),
            "CASE_NOTE_MISSING",
        ),
        (CaseView(CaseType.MISSED_SUBSIDY, State.PENDING), ActionRequest(Action.EXEMPT, by="x", reason="B1"), "CASE_REASON_NOT_ALLOWED"),
        (CaseView(CaseType.MISSED_SUBSIDY, State.PENDING), ActionRequest(Action.EXEMPT, by="x", reason="S1"), "CASE_EVIDENCE_MISSING"),
        (CaseView(CaseType.MISSED_SUBSIDY, State.PENDING), ActionRequest(Action.PAY, by="x", details={"date": "2025-10-01", "amount": "500"}), "CASE_EVIDENCE_MISSING"),
        (CaseView(CaseType.CONTACT_GAP, State.PENDING), ActionRequest(Action.ASSIGN, by="x"), "CASE_DETAIL_MISSING"),
        (CaseView(CaseType.DUPLICATE_SUBSIDY, State.PENDING), ActionRequest(Action.NOT_DUPLICATE, by="x", evidence=(Evidence(EvidenceKind.PAYMENT_RECORD, "p"),)), "CASE_NOTE_MISSING"),
    ],
)
def test_requirements_refused_with_their_code(case: CaseView, request_: ActionRequest, code: str) -> None:
    with pytest.raises(CaseError) as exc:
        apply(case, request_, today=TODAY)
    assert exc.value.code == code


def test_data_resolved_remembers_and_restores_the_previous_state() -> None:
    case = CaseView(CaseType.DROPOUT, State.PERSUADING, attempts=2)
    step = apply(case, ActionRequest(Action.DATA_RESOLVED, by="系统", system=True), today=TODAY)
    assert step.to_state is State.DATA_RESOLVED and step.case_updates["resume_state"] == "劝返中"
    back = apply(
        CaseView(CaseType.DROPOUT, State.DATA_RESOLVED, resume_state=State.PERSUADING),
        ActionRequest(Action.DATA_REAPPEARED, by="系统", system=True),
        today=TODAY,
    )
    assert back.to_state is State.PERSUADING and back.case_updates["resume_state"] is None


def test_reopen_starts_over_and_clears_the_classification() -> None:
    step = apply(
        CaseView(CaseType.DROPOUT, State.CLOSED, reason_code="B2", attempts=3),
        ActionRequest(Action.REOPEN, by="系统", note="比对结果再次出现", system=True),
        today=TODAY,
    )
    assert step.to_state is State.PENDING_VERIFICATION
    assert step.case_updates["reason_code"] is None and step.case_updates["attempts"] == 0


def test_every_state_is_reachable_from_the_initial_state() -> None:
    for ct in CaseType:
        seen = {INITIAL_STATE[ct]}
        frontier = [INITIAL_STATE[ct]]
        while frontier:
            s = frontier.pop()
            for t in TRANSITIONS[ct]:
                if s in t.sources and isinstance(t.target, State) and t.target not in seen:
                    seen.add(t.target)
                    frontier.append(t.target)
        assert seen == set(STATES[ct]), ct
