"""Cases (台账): list, detail with events and allowed next steps, transitions with
evidence references — through the case ledger (``notoneless.cases.ledger`` and ``ledger_reads``)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from notoneless.access import audit
from notoneless.access.users import Caller
from notoneless.api.audits import audit_read_sync
from notoneless.api.convert import case_out, masked, plain
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import AllowedAction, CaseDetail, CaseSummary, PageOf, TransitionRequest
from notoneless.cases import ledger_reads
from notoneless.cases.machine import allowed
from notoneless.cases.reconcile import CHANGE_LABELS
from notoneless.cases.states import ACTION_LABELS, State
from notoneless.cases.types import CaseType
from notoneless.errors import NotFound
from notoneless.graph.store import GraphStore
from notoneless.services import case_actions

router = APIRouter(prefix="/cases", tags=["cases"])

CaseId = Annotated[str, Path(min_length=1, max_length=80, description="案件编号 (case id)")]
_SUMMARY_FIELDS = set(CaseSummary.model_fields)
Change = StrEnum("Change", {kind: kind for kind in CHANGE_LABELS})  # the change feed's kinds


def _in_scope(store: GraphStore, caller: Caller, case_id: str) -> None:
    if not store.query("cases/in_scope", case_id=case_id, **caller.scope()):
        raise NotFound(f"辖区内没有案件 {case_id}：请用 GET /cases 查看案件编号。")


def _detail(store: GraphStore, case_id: str) -> CaseDetail:
    case = ledger_reads.get_case(store, case_id)
    props = plain(case.props)
    summary = {k: v for k, v in props.items() if k in _SUMMARY_FIELDS}
    summary.setdefault("type_label", case.type_label)
    events = [
        {
            **plain({k: v for k, v in e.__dict__.items() if k != "evidence"}),
            "evidence": list(e.evidence),
            "action_label": e.action_label,
        }
        for e in ledger_reads.case_events(store, case_id)
    ]
    steps = [
        AllowedAction(
            action=t.action.value,
            label=ACTION_LABELS[t.action],
            target=t.target_label(),
            reasons=sorted(t.reasons),
            evidence=t.evidence.describe(),
            details=list(t.details),
            note_required=t.note_required,
            deadline_required=t.deadline_required,
        )
        for t in allowed(case.view())
    ]
    return CaseDetail(
        case=CaseSummary(**case_out(summary, date.today())),
        reason_code=props.get("reason_code"),
        finding={str(k): "" if v is None else str(v) for k, v in masked(case.finding).items()},
        events=masked(events),
        allowed=steps,
    )


@router.get("", response_model=PageOf[CaseSummary],
            summary="案件列表：按状态、类型、县、乡、人员、逾期、本次运行的变化筛选（按期限、编号排序）")
def list_cases(
    store: Store,
    caller: CurrentCaller,
    page: Page,
    state: Annotated[State | None, Query(description="状态")] = None,
    case_type: Annotated[CaseType | None, Query(description="类型")] = None,
    county: Annotated[str | None, Query(pattern=r"^[0-9]{6}$", description="责任县 (6 位)")] = None,
    town: Annotated[str | None, Query(pattern=r"^[0-9]{9}$", description="责任乡镇 (9 位)")] = None,
    person_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    overdue: Annotated[bool, Query(description="只看已过期限且未销号的")] = False,
    run_id: Annotated[str | None, Query(min_length=1, max_length=80,
                                        description="运行编号：各案件的 change 为该次运行的变化（默认最近一次运行）")] = None,
    change: Annotated[Change | None, Query(description="只看该次运行中的这种变化：" + "、".join(
        f"{k}（{v}）" for k, v in CHANGE_LABELS.items()))] = None,
    unowned: Annotated[bool, Query(description="只看无人负责的：责任县没有在岗的县级数据员")] = False,
) -> PageOf[CaseSummary]:
    rows = store.query(
        "api/cases/list",
        state=state.value if state else None,
        case_type=case_type.value if case_type else None,
        county=county, town=town, person_id=person_id, overdue=overdue, today=date.today().isoformat(),
        run_id=run_id or ledger_reads.latest_change_run(store), change=change.value if change else None,
        unowned=unowned, **caller.scope(), **page.params(),
    )
    today = date.today()
    return page.result(CaseSummary, rows, lambda c: CaseSummary(**case_out(c, today)))


@router.get("/{case_id}", response_model=CaseDetail, summary="案件详情：事件（含佐证引用）与可办理的下一步")
def get_case(request: Request, store: Store, caller: CurrentCaller, case_id: CaseId) -> CaseDetail:
    _in_scope(store, caller, case_id)
    detail = _detail(store, case_id)
    audit_read_sync(request, caller, audit.CASE_READ, person_id=detail.case.person_id, target=case_id)
    return detail


@router.post("/{case_id}/transitions", response_model=CaseDetail,
             summary="办理案件：一次状态变更（原因、佐证引用、说明、期限），写入不可更改的事件")
def transition(store: Store, caller: CurrentCaller, case_id: CaseId, body: TransitionRequest) -> CaseDetail:
    _in_scope(store, caller, case_id)
    case_actions.act(  # checks the role (ROLE_CANNOT_ACT, 403) and the scope again, in its transaction
        store,
        case_id,
        body.action,
        by=caller,
        reason=body.reason,
        evidence=body.evidence,
        note=body.note,
        deadline=body.deadline,
        details=body.details,
        expected_version=body.expected_version,
    )
    return _detail(store, case_id)
