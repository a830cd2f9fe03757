"""The review queue (待核身份冲突): the latest run's identity conflicts in the caller's
scope, most important first; one item with both records side by side and the match
weights explained (``notoneless.decisions.queue``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from notoneless.access import audit
from notoneless.api.audits import audit_read_sync
from notoneless.api.convert import masked
from notoneless.api.deps import AppSettings, CurrentCaller, Page, Store
from notoneless.api.exc import without_paths
from notoneless.api.models import PageOf, ReviewDetail, ReviewItem
from notoneless.api.routers.linkage import explanation_out
from notoneless.decisions.consequence import describe
from notoneless.decisions.queue import get_review, list_reviews
from notoneless.errors import DecisionError, NotFound

router = APIRouter(prefix="/reviews", tags=["reviews"])

ReviewId = Annotated[str, Path(pattern=r"^R[0-9a-f]{12}$", description="冲突编号 (review id)")]


@router.get("", response_model=PageOf[ReviewItem],
            summary="待核身份冲突：决定后会改变问题线索、案件、资助或责任县的，按重要性（三包对象、资助发放优先）排序，辖区内，不含已有有效判定的")
def reviews(
    store: Store,
    caller: CurrentCaller,
    page: Page,
    county: Annotated[str | None, Query(pattern=r"^[0-9]{6}$", description="县级区划代码 (6 位)")] = None,
    decided: Annotated[bool, Query(description="也列出已有有效判定的")] = False,
    auto: Annotated[bool, Query(description="也列出决定后不改变任何问题线索、案件或资助、已按阈值自动判定的")] = False,
) -> PageOf[ReviewItem]:
    total, items = list_reviews(store, county=county, decided=decided, auto=auto, **caller.scope(), **page.params())
    return PageOf[ReviewItem](items=[ReviewItem(**masked(i), consequence=describe(i)) for i in items], total=total,
                              limit=page.limit, offset=page.offset)


@router.get("/{review_id}", response_model=ReviewDetail,
            summary="一处身份冲突：两条记录对照（号码已遮蔽）、各比较项的权重解释、已有判定")
def review(request: Request, store: Store, settings: AppSettings, caller: CurrentCaller,
           review_id: ReviewId) -> ReviewDetail:
    try:
        found = get_review(store, review_id, settings=settings, **caller.scope())
    except DecisionError as exc:
        raise NotFound(str(exc)) from exc
    explanation = found.pop("explanation")
    persons = sorted({r["person_id"] for r in found["records"] if r.get("person_id")})
    audit_read_sync(request, caller, audit.REVIEW_READ, person_ids=persons, target=review_id)
    if found.get("explanation_error"):
        found["explanation_error"] = without_paths(found["explanation_error"])
    data = masked(found)
    data["review"]["consequence"] = describe(found["review"])
    data["explanation"] = explanation_out(explanation) if explanation is not None else None
    return ReviewDetail(**data)
