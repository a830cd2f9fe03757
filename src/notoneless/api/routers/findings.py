"""Findings (问题线索) per kind, with filters, within the caller's scope."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query

from notoneless.api.convert import finding_out, masked
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import Finding, FindingKindCount, PageOf
from notoneless.checks.catalogue import KINDS, LABELS

router = APIRouter(prefix="/findings", tags=["findings"])

FindingKind = StrEnum("FindingKind", {k: k for k in KINDS})
FindingKind.__doc__ = "问题线索种类: " + "、".join(f"{k} {LABELS[k]}" for k in KINDS)

County = Annotated[str | None, Query(pattern=r"^[0-9]{6}$", description="县级区划代码 (6 位)")]
Town = Annotated[str | None, Query(pattern=r"^[0-9]{9}$", description="乡级区划代码 (9 位)")]
Village = Annotated[str | None, Query(pattern=r"^[0-9]{12}$", description="村级区划代码 (12 位)")]
RunFilter = Annotated[str | None, Query(min_length=1, max_length=100, description="只看这次运行发现的 (run id)")]


def list_findings_page(store, caller, page, *, kind=None, county=None, town=None, village=None, run_id=None,
                       active=True) -> PageOf[Finding]:
    rows = store.query(
        "api/findings/list",
        kind=kind, county=county, town=town, village=village, run_id=run_id, active=active,
        **caller.scope(), **page.params(),
    )
    return page.result(Finding, rows, lambda f: Finding(**masked(finding_out(f))))


@router.get("", response_model=PageOf[Finding], summary="问题线索：按种类、县、乡、村、运行筛选（按种类、键排序）")
def list_findings(
    store: Store,
    caller: CurrentCaller,
    page: Page,
    kind: Annotated[FindingKind | None, Query(description="种类 (kind)")] = None,
    county: County = None,
    town: Town = None,
    village: Village = None,
    run_id: RunFilter = None,
    active: Annotated[bool, Query(description="不指定 run_id 时：只看最近一次运行仍发现的")] = True,
) -> PageOf[Finding]:
    return list_findings_page(store, caller, page, kind=kind.value if kind else None, county=county, town=town,
                              village=village, run_id=run_id, active=active)


@router.get("/kinds", response_model=list[FindingKindCount], summary="各种类问题线索数（辖区内）")
def count_findings(store: Store, caller: CurrentCaller, run_id: RunFilter = None) -> list[FindingKindCount]:
    counts = {r["kind"]: r["findings"] for r in store.query("api/findings/counts", run_id=run_id, **caller.scope())}
    return [FindingKindCount(kind=k, label=LABELS[k], findings=counts.get(k, 0)) for k in KINDS]
