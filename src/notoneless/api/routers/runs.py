"""Runs of ``notoneless run`` and their summaries, scoped like everything else: a caller
of the whole province sees the run's counts; any narrower caller (prefecture, county,
town, school, auditor of less than the province) sees the findings of the run in their
scope only (per kind), never the province's totals. No response carries a path of the
server's disk (the run summary's ``bundle`` and ``out_dir`` are left out)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from notoneless.access.users import Caller
from notoneless.api.convert import masked, run_out
from notoneless.api.deps import CurrentCaller, Page, Store
from notoneless.api.models import PageOf, Run
from notoneless.errors import NotFound
from notoneless.graph.store import GraphStore

router = APIRouter(prefix="/runs", tags=["runs"])

RunId = Annotated[str, Path(min_length=1, max_length=100, description="运行编号 (run id)")]


@router.get("", response_model=PageOf[Run], summary="运行列表（最新在前）")
def list_runs(store: Store, caller: CurrentCaller, page: Page) -> PageOf[Run]:
    rows = store.query("api/runs/list", **page.params())
    return page.result(Run, rows, lambda r: _run(store, caller, r))


@router.get("/{run_id}", response_model=Run, summary="一次运行及其汇总")
def get_run(store: Store, caller: CurrentCaller, run_id: RunId) -> Run:
    rows = store.query("api/runs/get", run_id=run_id)
    if not rows:
        raise NotFound(f"没有运行 {run_id}：请用 GET /runs 查看运行编号。")
    return _run(store, caller, rows[0]["run"])


# What of a run summary a caller may see: never the server's paths (bundle, out_dir).
_SERVER_PATHS = ("bundle", "out_dir")


def _run(store: GraphStore, caller: Caller, row: dict[str, Any]) -> Run:
    out = run_out(row)
    summary = {k: v for k, v in (out.get("summary") or {}).items() if k not in _SERVER_PATHS}
    whole = caller.scope()["school"] is None and out.get("province_code") is not None \
        and caller.division == out["province_code"]
    if whole:
        out["summary"] = summary or None
        return Run(**masked(out))
    counts = store.query("api/findings/counts", run_id=out["run_id"], **caller.scope())
    by_kind = {c["kind"]: c["findings"] for c in counts}
    scoped = {k: v for k, v in out.items() if k in ("run_id", "name", "province_code", "term", "reference_date",
                                                    "started_at", "finished_at")}
    return Run(**masked(scoped), findings=sum(by_kind.values()), summary={"findings": by_kind, "scope": caller.division})
