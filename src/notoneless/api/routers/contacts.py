"""Responsible contacts (三包: 包村, 包户, 包人) and their gaps, by village."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from notoneless.api.convert import masked
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import Finding, PageOf, VillageContacts
from notoneless.api.routers.findings import list_findings_page
from notoneless.errors import NotFound

router = APIRouter(prefix="/villages", tags=["contacts"])

VillageCode = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="村级区划代码 (12 位)")]


@router.get("/{village}/contacts", response_model=VillageContacts, summary="一个村的三包联系人（包村、包户、包人）")
def village_contacts(store: Store, caller: CurrentCaller, village: VillageCode) -> VillageContacts:
    rows = store.query("api/contacts/by_village", village=village, **caller.scope())
    if not rows:
        raise NotFound(f"辖区内没有村 {village}：请核对 12 位村级区划代码。")
    return VillageContacts(**masked(rows[0]))


@router.get("/{village}/gaps", response_model=PageOf[Finding],
            summary="一个村的三包缺位（包村缺位、包户缺位、包人缺位、走访逾期）")
def village_gaps(
    store: Store,
    caller: CurrentCaller,
    village: VillageCode,
    page: Page,
    run_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> PageOf[Finding]:
    if caller.scope()["division"] is None or not village.startswith(caller.division):
        raise NotFound(f"辖区内没有村 {village}：请核对 12 位村级区划代码。")
    return list_findings_page(store, caller, page, kind="contact_gaps", village=village, run_id=run_id)
