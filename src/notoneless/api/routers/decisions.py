"""Identity decisions (身份判定): record one on two records of the caller's scope, withdraw
one, list them — through ``notoneless.decisions.book`` (immutable nodes, audited)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from notoneless.access.users import Caller
from notoneless.api.convert import masked
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import DecisionRequest, IdentityDecision, PageOf, WithdrawRequest
from notoneless.decisions import book
from notoneless.decisions.judgement import Decision, Verdict
from notoneless.errors import BadRequest, Forbidden, NotFound

router = APIRouter(prefix="/decisions", tags=["decisions"])

DecisionId = Annotated[str, Path(min_length=1, max_length=60, description="判定编号 (decision id)")]


def _may_act(caller: Caller) -> None:
    if not caller.can_act:
        raise Forbidden(f"角色「{caller.role.value}」只能查看，不能作出身份判定。", code="ROLE_CANNOT_ACT")


def _out(d: Decision, view: book.DecisionView | None = None) -> IdentityDecision:
    row: dict[str, Any] = book.decision_rows([d])[0]
    if view is not None:
        row.update(standing=view.standing, run_status=view.run_status, run_status_label=view.run_status_label or None,
                   run_id=view.run_id)
    return IdentityDecision(**masked(row))


@router.get("", response_model=PageOf[IdentityDecision],
            summary="身份判定列表（最新在前，辖区内）：现状与最近一次运行的执行情况（含记录已不在数据中的）")
def list_decisions(store: Store, caller: CurrentCaller, page: Page) -> PageOf[IdentityDecision]:
    total, views = book.list_decisions(store, **caller.scope(), **page.params())
    return PageOf[IdentityDecision](items=[_out(v.decision, v) for v in views], total=total,
                                    limit=page.limit, offset=page.offset)


@router.post("", response_model=IdentityDecision, status_code=201,
             summary="作出身份判定：两条记录为同一人、不同人或暂缓（两条记录都须在辖区内；不可修改，只能撤回）")
def decide(store: Store, caller: CurrentCaller, body: DecisionRequest) -> IdentityDecision:
    keys = [body.record_key_a, body.record_key_b]
    found = {r["record_key"] for r in store.query("api/records/in_scope", record_keys=keys, **caller.scope())}
    missing = [k for k in dict.fromkeys(keys) if k not in found]
    if missing:
        raise NotFound(f"辖区内没有记录 {'、'.join(missing)}：记录键取自最近一次运行，格式为 <系统>:<行号>，如 xueji:17。")
    _may_act(caller)
    if body.record_key_a == body.record_key_b:
        raise BadRequest("两条记录相同：请给出两条不同的记录。", field="record_key_b", code="VALIDATION_ERROR")
    d = book.decide(store, body.record_key_a, body.record_key_b, Verdict(body.verdict.value), by=caller,
                    note=body.note)
    return _out(d)


@router.post("/{decision_id}/withdraw", response_model=IdentityDecision, status_code=201,
             summary="撤回一条判定（记为一条新的撤回判定；原判定不变）；该记录对随后由模型或更早的判定决定")
def withdraw(store: Store, caller: CurrentCaller, decision_id: DecisionId, body: WithdrawRequest) -> IdentityDecision:
    if not store.query("api/decisions/in_scope", decision_id=decision_id, **caller.scope()):
        raise NotFound(f"辖区内没有判定 {decision_id}：请用 GET /decisions 查看判定编号。")
    _may_act(caller)
    w = book.withdraw(store, decision_id, by=caller, note=body.note)
    return _out(w)
