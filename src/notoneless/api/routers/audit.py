"""The audit events of the caller's division (GET /audit): who read which child's data,
when and from where — for 省级管理员, 县级数据员 and 只读审计 (``access.AUDIT_READERS``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from notoneless.access.users import AUDIT_READERS
from notoneless.api.audits import publish_journal
from notoneless.api.convert import plain
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import AuditEvent, Instant, PageOf
from notoneless.errors import Forbidden

router = APIRouter(prefix="/audit", tags=["audit"])


def _utc(instant: datetime | None) -> str | None:
    """An instant as Neo4j takes it: in UTC (RFC 3339 allows offsets up to ±23:59, Neo4j
    ±18:00). One whose UTC time Python cannot hold (before year 1, after 9999) bounds
    nothing: every event lies within."""
    if instant is None:
        return None
    try:
        return instant.astimezone(UTC).isoformat()
    except OverflowError:
        return None


@router.get("", response_model=PageOf[AuditEvent],
            summary="辖区审计记录（最新在前）：按用户、人员、种类、时间筛选（省级管理员、县级数据员、只读审计）")
def audit_events(
    request: Request,
    store: Store,
    caller: CurrentCaller,
    page: Page,
    user: Annotated[str | None, Query(min_length=1, max_length=64, description="用户名或用户编号")] = None,
    person_id: Annotated[str | None, Query(min_length=1, max_length=64, description="人员编号")] = None,
    kind: Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$", description="种类，如 trail_read")] = None,
    since: Annotated[Instant | None, Query(description="起（含），ISO 8601 带时区，如 2025-10-20T08:00:00+08:00")] = None,
    until: Annotated[Instant | None, Query(description="止（不含），ISO 8601 带时区")] = None,
) -> PageOf[AuditEvent]:
    if caller.role not in AUDIT_READERS:
        raise Forbidden(f"角色「{caller.role.value}」不能查看审计记录：请联系县级数据员或审计人员。")
    publish_journal(request)  # the events still in a journal are listed too
    rows = store.query("api/audit/list", division=caller.division,
                       user=user, person_id=person_id, action=kind,
                       since=_utc(since), until=_utc(until),
                       **page.params())
    return page.result(AuditEvent, rows, plain)
