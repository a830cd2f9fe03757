"""Runs of ``notoneless run`` and their summaries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from notoneless.api.convert import masked, run_out
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import PageOf, Run
from notoneless.errors import NotFound

router = APIRouter(prefix="/runs", tags=["runs"])

RunId = Annotated[str, Path(min_length=1, max_length=100, description="运行编号 (run id)")]


@router.get("", response_model=PageOf[Run], summary="运行列表（最新在前）")
def list_runs(store: Store, caller: CurrentCaller, page: Page) -> PageOf[Run]:
    rows = store.query("api/runs/list", **page.params())
    return page.result(Run, rows, lambda r: Run(**masked(run_out(r))))


@router.get("/{run_id}", response_model=Run, summary="一次运行及其汇总")
def get_run(store: Store, caller: CurrentCaller, run_id: RunId) -> Run:
    rows = store.query("api/runs/get", run_id=run_id)
    if not rows:
        raise NotFound(f"没有运行 {run_id}：请用 GET /runs 查看运行编号。")
    return Run(**masked(run_out(rows[0]["run"])))
