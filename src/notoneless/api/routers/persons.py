"""Persons: search (name, pinyin and homophones, ID number, 学籍号), detail, trail, audit."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from notoneless.access import audit
from notoneless.access.masking import mask, mask_text
from notoneless.access.users import AUDIT_READERS
from notoneless.api.audits import (
    audit_read,
    audit_read_sync,
    publish_journal,
)
from notoneless.api.convert import case_out, finding_out, masked, plain
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import AuditEvent, PageOf, PersonDetail, PersonSearch, Trail
from notoneless.api.search import interpret
from notoneless.decisions.book import decision_rows_from_graph
from notoneless.errors import Forbidden, NotFound

router = APIRouter(prefix="/persons", tags=["persons"])

PersonId = Annotated[str, Path(min_length=1, max_length=64, description="人员编号 (person_id)")]


def _not_found(person_id: str) -> NotFound:
    # The same answer whether the person does not exist or is outside the caller's scope.
    return NotFound(f"辖区内没有人员 {person_id}：请核对人员编号，或用 GET /persons?q= 查找。")


@router.get("", response_model=PersonSearch, summary="查找人员：姓名（含拼音、同音字）、身份证号或学籍号，按相关度排序")
def search_persons(
    request: Request,
    store: Store,
    caller: CurrentCaller,
    page: Page,
    q: Annotated[str, Query(min_length=1, max_length=64, description="姓名、拼音、身份证号或学籍号")],
) -> PersonSearch:
    query = interpret(q)
    if query is None:  # nothing searchable in q (only spaces or separators, e.g. "·"): nothing found
        return PersonSearch(items=[], total=0, limit=page.limit, offset=page.offset, query_kind="name")
    name = "api/persons/search_id" if query.kind in ("id_number", "xueji_no") else "api/persons/search_name"
    rows = store.query(name, **query.params, **caller.scope(), **page.params())
    result = rows[0] if rows else {"total": 0, "items": []}
    # the query as the audit keeps it: an ID number or 学籍号 masked, like everything shown
    audit_read_sync(request, caller, audit.PERSON_SEARCH, person_ids=[i["person"]["person_id"] for i in result["items"]],
                    target=f"{query.kind}:{mask_text(q)}")
    return PersonSearch(items=masked(result["items"]), total=result["total"], limit=page.limit,
                        offset=page.offset, query_kind=query.kind)


@router.get("/{person_id}", response_model=PersonDetail,
            summary="人员详情与源记录；reveal=true 显示完整号码（仅省级管理员、县级数据员，记入审计）")
def get_person(
    request: Request,
    store: Store,
    caller: CurrentCaller,
    person_id: PersonId,
    reveal: Annotated[bool, Query(description="显示完整身份证号与手机号（记入审计）")] = False,
) -> PersonDetail:
    rows = store.query("api/persons/detail", person_id=person_id, **caller.scope())
    if not rows:
        raise _not_found(person_id)
    data = plain(rows[0])
    if reveal and not caller.can_reveal:
        raise Forbidden(f"角色「{caller.role.value}」不能查看完整号码：请联系县级数据员。", code="REVEAL_NOT_ALLOWED")
    shown, fields = mask(data, reveal=reveal)
    if reveal and fields:  # one event per read: a reveal, or a masked read
        audit_read_sync(request, caller, audit.REVEAL, person_id=person_id, fields=fields)
    else:
        audit_read_sync(request, caller, audit.PERSON_READ, person_id=person_id)
    return PersonDetail(person=shown["person"], status=shown["status"] or {}, records=shown["records"],
                        revealed=bool(reveal))


@router.get("/{person_id}/trail", response_model=Trail,
            summary="人员全貌（即 notoneless trail）：源记录、户、学校、资助、联系人、走访、问题线索，及其案件、身份判定（号码已遮蔽）")
async def get_trail(request: Request, caller: CurrentCaller, person_id: PersonId) -> dict[str, Any]:
    # The busiest route, so: one query for the scope check, the trail, the cases, the
    # assignments and the decisions, shared with the other trail reads waiting at the
    # same time (api/trails.py); no thread-pool hop of its own (an ``async`` route); and
    # the dict returned as is — FastAPI validates it against Trail once and writes the
    # JSON in pydantic's Rust core.
    # the read's audit event is made durable (the journal, api/audits.py) while the trail
    # is read; either failing fails the read
    row, _ = await asyncio.gather(request.app.state.trails.read(person_id, caller.scope()),
                                  audit_read(request, caller, audit.TRAIL_READ, person_id=person_id))
    if row is None:
        raise _not_found(person_id)
    row["findings"] = [finding_out(f) for f in row["findings"]]
    row["decisions"] = decision_rows_from_graph(row["decisions"])
    today = date.today()
    row["cases"] = [case_out(c, today) for c in row["cases"]]
    return masked(row)


@router.get("/{person_id}/audit", response_model=PageOf[AuditEvent],
            summary="谁查看过此人的完整号码（省级管理员、县级数据员、只读审计）")
def get_audit(request: Request, store: Store, caller: CurrentCaller, person_id: PersonId,
              page: Page) -> PageOf[AuditEvent]:
    if not store.query("api/persons/in_scope", person_id=person_id, **caller.scope()):
        raise _not_found(person_id)
    if caller.role not in AUDIT_READERS:
        raise Forbidden(f"角色「{caller.role.value}」不能查看审计记录。")
    publish_journal(request)  # the events still in a journal are listed too
    rows = store.query("api/audit/of_person", person_id=person_id, **page.params())
    return page.result(AuditEvent, rows, plain)
