"""本月数据: the run history, a run's change feed, uploading a bundle and its run (docs/web.md).

- ``/app/runs``: the runs (newest first) with their counts as the API shows them to the
  caller (``api.routers.runs._run``: the province's totals for the province, the findings
  in scope for anyone narrower), what each did to the division's cases, the trend of
  open cases by type run by run (ECharts), and, for whom may upload, the upload form and
  the division's uploads.
- ``/app/runs/{run_id}``: the change feed of the run for the division (new, still open,
  resolved by data, reopened with why, transferred in/out …), each case linked, and a
  bulk 确认销号 of the resolved-by-data cases through ``cases.ledger.confirm_resolved``
  (the service of ``notoneless cases confirm``).
- ``POST /app/uploads``: a folder of CSV/XLSX files or one zip, streamed in under
  ``Settings.web_upload_max_mb``, unpacked safely and checked before anything runs
  (``bundle.check.check_bundle``: the reader's own checks, every problem at once; the
  upload rule ``services.uploads.upload_rule``); then the run starts in the background
  (``services.uploads.start_run``: ``run_bundle`` with its workspace lock).
- ``/app/uploads/{id}``: the upload, its checksums and its run's stages, live (htmx polls
  ``/app/uploads/{id}/progress`` each second until the run ends); ``…/bundle.zip``
  downloads the bundle again (same division only; audited).

Upload, run start and download are audit events (``bundle_upload``, ``run_start``,
``bundle_download``), kept before the response: the two actions written to the graph, the
download (a read) through the server's audit journal like every read of the pages.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from notoneless.access import audit
from notoneless.access.users import Role
from notoneless.api.audits import audit_read_sync, client_source
from notoneless.api.convert import masked
from notoneless.api.routers import runs as run_routes
from notoneless.bundle.check import check_bundle
from notoneless.cases.ledger import confirm_resolved
from notoneless.cases.reconcile import CHANGE_LABELS
from notoneless.cases.types import CASE_TYPES, CaseType
from notoneless.errors import CaseError, NotFound
from notoneless.localtime import shown
from notoneless.run import STAGE_LABELS
from notoneless.services import uploads
from notoneless.web.pages import (
    CurrentOfficer,
    Officer,
    check_csrf,
    render,
    see_other,
    settings_of,
    store_of,
)
from notoneless.workspace_lock import busy, holder

router = APIRouter(prefix="/app", include_in_schema=False)

RUNS_SHOWN = 24  # runs on the history page and in the trend
# The changes after which a case is (still) open: the trend counts these, run by run.
OPEN_CHANGES = ("new", "still_open", "reopened", "transferred_in")
FEED_ROWS = 300  # rows shown per change kind on a run page (the 台账 filter lists them all)


class UploadTooLarge(Exception):
    pass


# --- helpers ---------------------------------------------------------------------------


def _names(request: Request, codes: list[str]) -> dict[str, str]:
    codes = sorted({c for c in codes if c})
    if not codes:
        return {}
    return {r["code"]: r["name"] for r in store_of(request).query("cases/division_names", codes=codes)}


def _latest(request: Request) -> list[dict[str, Any]]:
    """The latest ``RUNS_SHOWN`` Run nodes, newest first (api/runs/list)."""
    rows = store_of(request).query("api/runs/list", limit=RUNS_SHOWN, offset=0)
    return rows[0]["items"] if rows else []


def _runs(request: Request, officer: Officer) -> list[dict[str, Any]]:
    """The latest runs, newest first, each as the API shows it to the officer, with its state."""
    store = store_of(request)
    items = _latest(request)
    lock = holder(settings_of(request).paths.root / "run.lock") if busy(settings_of(request).paths.root) else {}
    out = []
    for row in items:
        run = run_routes._run(store, officer.caller, row).model_dump()
        if run.get("finished_at"):
            run["state"] = "已完成"
        elif lock.get("run_id") == run["run_id"]:
            run["state"] = "比对中"
        else:
            run["state"] = "中断（未生效）"
        run["started"], run["finished"] = shown(run.get("started_at")), shown(run.get("finished_at"))
        out.append(run)
    return out


def _changes_by_run(request: Request, officer: Officer, run_ids: list[str]) -> list[dict[str, Any]]:
    if not run_ids:
        return []
    return store_of(request).query("web/run_changes", run_ids=run_ids, **officer.caller.scope())


def _trend(runs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The chart's data: open cases (``OPEN_CHANGES``) by type, run by run, oldest first."""
    order = [r["run_id"] for r in reversed(runs)]
    types = sorted({r["case_type"] for r in rows if r["change"] in OPEN_CHANGES})
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["change"] in OPEN_CHANGES:
            counts[(r["run_id"], r["case_type"])] = counts.get((r["run_id"], r["case_type"]), 0) + r["cases"]
    by_id = {r["run_id"]: r for r in runs}
    labels = [f"{by_id[i].get('reference_date') or ''} {by_id[i].get('term') or ''}".strip() + f"\n{i[-6:]}"
              for i in order]
    return {"runs": labels, "series": [{"name": _type_label(t), "data": [counts.get((i, t), 0) for i in order]}
                                       for t in types]}


def _type_label(case_type: str) -> str:
    try:
        return CASE_TYPES[CaseType(case_type)].label
    except ValueError:
        return case_type


def _bulk_counties(officer: Officer, feed: list[dict[str, Any]]) -> list[str]:
    """The counties whose resolved-by-data cases the officer may confirm in bulk: their own
    (县级数据员), or each county of the list (省级管理员)."""
    caller = officer.caller
    waiting = sorted({r["responsible_county"] for r in feed if r["change"] == "resolved_by_data"
                      and r["state"] == "数据已消除·待确认销号" and r.get("responsible_county")})
    if caller.role is Role.COUNTY:
        return [c for c in waiting if c == caller.division]
    if caller.role is Role.PROVINCE:
        return [c for c in waiting if caller.covers(c)]
    return []


# --- the run history -----------------------------------------------------------------


@router.get("/runs")
def runs_page(request: Request, officer: CurrentOfficer) -> HTMLResponse:
    return _runs_page(request, officer)


def _runs_page(request: Request, officer: Officer, *, status: int = 200, problems: list[str] | None = None,
               warnings: list[str] | None = None, upload_name: str | None = None) -> HTMLResponse:
    settings = settings_of(request)
    runs = _runs(request, officer)
    rows = _changes_by_run(request, officer, [r["run_id"] for r in runs])
    changes: dict[str, dict[str, int]] = {}
    for r in rows:
        per = changes.setdefault(r["run_id"], {})
        per[r["change"]] = per.get(r["change"], 0) + r["cases"]
    for run in runs:
        run["changes"] = [(k, label, changes.get(run["run_id"], {}).get(k, 0)) for k, label in CHANGE_LABELS.items()
                          if changes.get(run["run_id"], {}).get(k)]
    own = uploads.list_uploads(settings, officer.caller)
    for u in own:
        u["at_shown"] = shown(u.get("at"))
        u["state_label"] = uploads.STATE_LABELS.get(u["state"], u["state"])
    by_run = {u["run_id"]: u for u in own if u.get("run_id")}
    for run in runs:
        run["upload"] = by_run.get(run["run_id"])
    return render(request, "runs.html", status=status, officer=officer, runs=runs, trend=_trend(runs, rows),
                  uploads=own, may_upload=uploads.may_upload(officer.caller), problems=problems or [],
                  warnings=warnings or [], upload_name=upload_name, busy=busy(settings.paths.root),
                  max_mb=settings.web_upload_max_mb, nav="runs")


# --- one run: its change feed ---------------------------------------------------------


@router.get("/runs/{run_id}")
def run_page(request: Request, officer: CurrentOfficer, run_id: str) -> HTMLResponse:
    return _run_page(request, officer, run_id)


def _run_page(request: Request, officer: Officer, run_id: str, *, status: int = 200, error: str | None = None,
              done: int | None = None) -> HTMLResponse:
    if not run_id or len(run_id) > 100:
        raise NotFound("没有这次比对。")
    store = store_of(request)
    run = run_routes.get_run(store, officer.caller, run_id).model_dump()  # NotFound → the 404 page
    run["started"], run["finished"] = shown(run.get("started_at")), shown(run.get("finished_at"))
    feed = masked(store.query("web/run_feed", run_id=run_id, **officer.caller.scope()))
    groups = []
    for kind, label in CHANGE_LABELS.items():
        items = [r for r in feed if r["change"] == kind]
        if items:
            groups.append({"change": kind, "label": label, "total": len(items), "items": items[:FEED_ROWS]})
    runs = _latest(request)  # the trend needs only their ids, dates and terms
    rows = _changes_by_run(request, officer, [r["run_id"] for r in runs])
    latest = store.query("cases/latest_change_run")
    upload = uploads.run_of(settings_of(request), run_id)
    return render(request, "run.html", status=status, officer=officer, run=run, groups=groups,
                  trend=_trend(runs, rows), bulk=_bulk_counties(officer, feed) if officer.caller.can_act else [],
                  names=_names(request, [r.get("responsible_county") for r in feed]), error=error, done=done,
                  is_latest=bool(latest) and latest[0]["run_id"] == run_id,
                  upload=upload if upload and uploads.visible(officer.caller, upload) else None, nav="runs")


@router.post("/runs/{run_id}/confirm")
def run_confirm(request: Request, officer: CurrentOfficer, run_id: str,
                county: Annotated[str, Form(pattern=r"^[0-9]{6}$")],
                csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(officer, csrf)
    store = store_of(request)
    run_routes.get_run(store, officer.caller, run_id)  # a run that does not exist → 404
    feed = store.query("web/run_feed", run_id=run_id, **officer.caller.scope())
    if county not in _bulk_counties(officer, feed):
        return _run_page(request, officer, run_id, status=403,
                         error=f"不能批量确认 {county} 的案件：县级数据员确认本县的，省级管理员确认省内各县的。")
    try:
        _, confirmed = confirm_resolved(store, run_id, county=county, by=officer.caller)
    except CaseError as exc:
        return _run_page(request, officer, run_id, status=exc.http_status, error=str(exc))
    return see_other(f"/app/runs/{run_id}?confirmed={len(confirmed)}#resolved_by_data")


# --- upload ------------------------------------------------------------------------------


async def _limited(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    got = 0
    async for chunk in stream:
        got += len(chunk)
        if got > limit:
            raise UploadTooLarge()
        yield chunk


def _save(part: UploadFile, dest: Path) -> None:
    part.file.seek(0)
    with open(dest, "wb") as out:
        shutil.copyfileobj(part.file, out, 1 << 20)


@router.post("/uploads")
async def upload(request: Request, officer: CurrentOfficer) -> Response:
    settings = settings_of(request)
    limits = uploads.Limits.of(settings)
    caller = officer.caller
    if not uploads.may_upload(caller):
        return render(request, "error.html", status=403, message=uploads.NOT_ALLOWED.format(role=caller.role.value))
    declared = int(request.headers.get("content-length") or 0)
    if declared > limits.max_bytes:
        return await run_in_threadpool(_refused, request, officer, 413, [_too_large(limits)], None)
    try:
        form = await MultiPartParser(request.headers, _limited(request.stream(), limits.max_bytes),
                                     max_files=uploads.MAX_FILES + 2, max_fields=10).parse()
    except UploadTooLarge:
        return await run_in_threadpool(_refused, request, officer, 413, [_too_large(limits)], None)
    except MultiPartException as exc:
        return await run_in_threadpool(_refused, request, officer, 400, [f"上传的表单无法读取（{exc.message}）；请重新选择文件后上传。"], None)
    try:
        check_csrf(officer, str(form.get("csrf") or ""))
        zips = [f for f in form.getlist("bundle_zip") if isinstance(f, UploadFile) and f.filename]
        files = [f for f in form.getlist("bundle_files") if isinstance(f, UploadFile) and f.filename]
        return await run_in_threadpool(_accept, request, officer, zips, files)
    finally:
        await form.close()


def _too_large(limits: uploads.Limits) -> str:
    return f"上传的数据包超过上限 {limits.max_bytes / 2**20:.0f} MB：请压缩为 zip 后上传，或请系统管理员调整 NOTONELESS_WEB_UPLOAD_MAX_MB。"


def _refused(request: Request, officer: Officer, status: int, problems: list[str], name: str | None,
             warnings: list[str] | None = None) -> HTMLResponse:
    return _runs_page(request, officer, status=status, problems=problems, warnings=warnings, upload_name=name)


def _accept(request: Request, officer: Officer, zips: list[UploadFile], files: list[UploadFile]) -> Response:
    """Unpack, check, apply the rule; then keep the bundle, audit and start its run."""
    settings, store, caller = settings_of(request), store_of(request), officer.caller
    limits = uploads.Limits.of(settings)
    if bool(zips) == bool(files) or len(zips) > 1:
        return _refused(request, officer, 422, ["请选择一个数据包文件夹，或一个 zip 压缩包（二者选一）。"], None)
    name = zips[0].filename if zips else (files[0].filename or "").replace("\\", "/").split("/")[0]
    still_busy = busy(settings.paths.root)
    if still_busy:
        return _refused(request, officer, 409, [still_busy], name)
    folder = uploads.incoming(settings)
    try:
        if zips:
            _save(zips[0], folder / "upload.zip")
            problems = uploads.unpack_zip(folder / "upload.zip", folder, limits)
            (folder / "upload.zip").unlink(missing_ok=True)
        else:
            (folder / "parts").mkdir()
            saved = []
            for i, part in enumerate(files):
                _save(part, folder / "parts" / str(i))
                saved.append((part.filename or f"file{i}", folder / "parts" / str(i)))
            problems = uploads.place_files(saved, folder)
            shutil.rmtree(folder / "parts", ignore_errors=True)
        check = check_bundle(folder / "bundle", workspace_aliases=settings.paths.aliases) if not problems else None
        if check is not None:
            names = {**check.names, **_names(request, [caller.division, caller.division[:2], *(check.counties or ())])}
            problems = check.problems + uploads.upload_rule(caller, check, names)
        if problems:
            audit.record_read(store, caller, audit.BUNDLE_UPLOAD, target=f"拒收：{name}（{len(problems)} 个问题）",
                              source=client_source(request))
            uploads.discard(folder)
            return _refused(request, officer, 422, problems, name, check.warnings if check else None)
        meta = uploads.finish(folder, caller, check, kind="zip" if zips else "folder", original=name or "")
    except BaseException:
        uploads.discard(folder)
        raise
    upload_id = meta["upload_id"]
    audit.record_read(store, caller, audit.BUNDLE_UPLOAD, target=f"{upload_id} SHA-256 {meta['sha256']}",
                      source=client_source(request))
    audit.record_read(store, caller, audit.RUN_START, target=upload_id, source=client_source(request))
    uploads.start_run(settings, upload_id, open_graph=lambda _s: nullcontext(store))
    return see_other(f"/app/uploads/{upload_id}")


def _upload_or_404(request: Request, officer: Officer, upload_id: str) -> tuple[dict[str, Any], Path]:
    found = uploads.get_upload(settings_of(request), upload_id, officer.caller)
    if found is None:
        raise NotFound("没有这个上传的数据包。")
    return found


def _progress_context(meta: dict[str, Any]) -> dict[str, Any]:
    done = {s["stage"]: s for s in meta.get("stages") or []}
    stages = []
    for name, label in STAGE_LABELS.items():
        s = done.get(name)
        stages.append({"label": label, "state": s["state"] if s else "waiting",
                       "seconds": s.get("seconds") if s else None, "note": s.get("note") if s else None})
    return {"meta": meta, "stages": stages, "state_label": uploads.STATE_LABELS.get(meta["state"], meta["state"]),
            "ended": meta["state"] in ("done", "failed", "interrupted"),
            "done_count": sum(1 for s in stages if s["state"] == "done"), "stage_count": len(stages),
            "change_labels": CHANGE_LABELS}


@router.get("/uploads/{upload_id}")
def upload_page(request: Request, officer: CurrentOfficer, upload_id: str) -> HTMLResponse:
    meta, _ = _upload_or_404(request, officer, upload_id)
    meta["at_shown"] = shown(meta.get("at"))
    names = {**(meta.get("names") or {}), **_names(request, meta.get("counties") or [])}
    province = str(meta.get("division", ""))[:2]
    counties = meta.get("counties") or []
    return render(request, "upload.html", officer=officer, names=names, nav="runs",
                  inside=[c for c in counties if c.startswith(province)],
                  outside=[c for c in counties if not c.startswith(province)], **_progress_context(meta))


@router.get("/uploads/{upload_id}/progress")
def upload_progress(request: Request, officer: CurrentOfficer, upload_id: str) -> HTMLResponse:
    meta, _ = _upload_or_404(request, officer, upload_id)
    return render(request, "_upload_progress.html", officer=officer, **_progress_context(meta))


@router.get("/uploads/{upload_id}/bundle.zip")
def upload_download(request: Request, officer: CurrentOfficer, upload_id: str) -> Response:
    meta, folder = _upload_or_404(request, officer, upload_id)
    audit_read_sync(request, officer.caller, audit.BUNDLE_DOWNLOAD,  # a read: the journal, like every page read
                    target=f"{upload_id} SHA-256 {meta['sha256']}")
    return FileResponse(folder / "bundle.zip", media_type="application/zip", filename=f"{upload_id}.zip",
                        headers={"Cache-Control": "no-store", "X-Content-SHA256": meta["sha256"]})


__all__ = ["router"]
