"""The page routes under ``/app`` (docs/web.md): sign-in and out, 工作台, 台账 (with 导出),
案件 (actions, evidence upload and audited download), 儿童档案.

Reads of a child's data go through the API's own route functions (``api.routers.cases``
``get_case``, ``api.routers.persons.get_trail``): the same scope check, masking and
audit event. Actions go through ``api.routers.cases.transition`` (``cases.ledger.act``).
The 台账 and 工作台 have their own queries (web/cases.cypher, web/dashboard.cypher) with
the API's scope predicate and the API's masking (``api.convert.masked``).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from notoneless.access import audit
from notoneless.access.passwords import SignedIn, session_user, sign_in, sign_out
from notoneless.access.users import Caller, Role
from notoneless.api.audits import audit_read_sync, client_source
from notoneless.api.convert import masked
from notoneless.api.models import TransitionRequest
from notoneless.api.routers import cases as case_routes
from notoneless.api.routers import persons as person_routes
from notoneless.api.search import interpret
from notoneless.cases import ledger_reads
from notoneless.cases.machine import allowed, target_state
from notoneless.cases.reasons import ANY_KIND, EVIDENCE_LABELS, REASONS, EvidenceKind, EvidenceRule
from notoneless.cases.reconcile import CHANGE_LABELS
from notoneless.cases.states import ACTION_LABELS, DETAIL_LABELS, State
from notoneless.cases.types import CASE_TYPES, CaseType
from notoneless.checks.catalogue import LABELS as FINDING_LABELS
from notoneless.config import Settings
from notoneless.errors import AccessError, ApiError, CaseError, NotFound
from notoneless.graph.store import GraphStore
from notoneless.normalize.idnumber import ISSUE_LABELS
from notoneless.trail import RECORD_FIELDS, SOURCE_LABELS, STATUS_FLAGS
from notoneless.web import evidence, sessions

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50
SORTS = {"deadline": "期限（早→晚）", "-deadline": "期限（晚→早）", "case_id": "案件编号", "state": "状态", "type": "类型"}

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True,
                  lstrip_blocks=True)


class NeedSignIn(Exception):
    """No session, or an ended one: the page answers 303 to /app/login."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired


class CsrfRefused(Exception):
    """A form posted without its session's CSRF token."""


# --- helpers ---------------------------------------------------------------------


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def store_of(request: Request) -> GraphStore:
    return request.app.state.store


def key_of(request: Request) -> bytes:
    key = getattr(request.app.state, "web_key", None)
    if key is None:
        key = request.app.state.web_key = sessions.load_key(settings_of(request).paths.web_session_key)
    return key


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


class Officer:
    """The signed-in officer of a page request: the Caller, and the session's CSRF token."""

    def __init__(self, caller: Caller, csrf: str, division_name: str | None = None) -> None:
        self.caller = caller
        self.csrf = csrf
        self.division_name = division_name

    @property
    def division_label(self) -> str:
        """名称(代码) of the officer's division (or school)."""
        code = self.caller.division
        return f"{self.division_name}({code})" if self.division_name else code

    @property
    def can_export(self) -> bool:
        return self.caller.role is not Role.SCHOOL and len(self.caller.division) in (2, 6)


def current_officer(request: Request) -> Officer:
    """The session's officer, or NeedSignIn. Re-issues the cookie (the idle clock starts again)."""
    key = key_of(request)
    session = sessions.decode(key, request.cookies.get(sessions.SESSION_COOKIE))
    if session is None:
        raise NeedSignIn()
    now = time.time()
    if now - session.seen > settings_of(request).web_session_idle_minutes * 60:
        raise NeedSignIn(expired=True)
    found: SignedIn | None = session_user(store_of(request), session.user_id)
    if found is None or found.session_epoch != session.epoch:
        raise NeedSignIn(expired=True)
    # The middleware (app.py) puts this on the response.
    request.scope["nol_set_cookie"] = (sessions.SESSION_COOKIE, sessions.encode(key, session.touched(now)))
    names = store_of(request).read("web/division_name", code=found.caller.division)
    return Officer(found.caller, session.csrf, names[0]["name"] if names else None)


CurrentOfficer = Annotated[Officer, Depends(current_officer)]


def check_csrf(officer: Officer, token: str | None) -> None:
    if not sessions.same_token(token, officer.csrf):
        raise CsrfRefused()


router = APIRouter(prefix="/app", include_in_schema=False)


# --- sign-in ---------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, expired: bool = False) -> HTMLResponse:
    token = sessions.new_session("", 0).csrf
    response = render(request, "login.html", csrf=token, error=None,
                      notice="登录已超时，请重新登录。" if expired else None, name="")
    sessions.set_cookie(response, request, sessions.LOGIN_COOKIE, sessions.sign(key_of(request), {"c": token}), 600)
    return response


@router.post("/login")
def login_submit(request: Request, username: Annotated[str, Form(max_length=80)] = "",
                 password: Annotated[str, Form(max_length=200)] = "",
                 csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    pre = sessions.unsign(key_of(request), request.cookies.get(sessions.LOGIN_COOKIE)) or {}
    if not sessions.same_token(csrf, pre.get("c")):
        raise CsrfRefused()
    try:
        done = sign_in(store_of(request), username, password, source=client_source(request))
    except AccessError as exc:
        response = render(request, "login.html", status=401, csrf=pre.get("c"), error=str(exc), notice=None,
                          name=username)
        return response
    response = see_other("/app/")
    session = sessions.new_session(done.caller.user_id, done.session_epoch)
    sessions.set_cookie(response, request, sessions.SESSION_COOKIE, sessions.encode(key_of(request), session))
    sessions.clear_cookie(response, request, sessions.LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, officer: CurrentOfficer, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(officer, csrf)
    sign_out(store_of(request), officer.caller.user_id)
    request.scope.pop("nol_set_cookie", None)
    response = see_other("/app/login")
    sessions.clear_cookie(response, request, sessions.SESSION_COOKIE)
    return response


# --- 工作台 ----------------------------------------------------------------------


@router.get("/")
def dashboard(request: Request, officer: CurrentOfficer) -> HTMLResponse:
    store = store_of(request)
    today = date.today()
    runs = store.read("api/runs/list", limit=1, offset=0)
    run = runs[0]["items"][0] if runs and runs[0]["items"] else None
    # One pass over the cases in scope (fragments/case_scope): open ones by type and state,
    # and what the latest reconciling run did to each as this officer sees it, whatever the
    # role (the run the 台账's change filter reads, so that each count's link lists as many).
    rows = store.read("web/dashboard", today=today.isoformat(), run_id=ledger_reads.latest_change_run(store),
                      county=None, **officer.caller.scope())
    by_type: dict[str, dict[str, Any]] = {}
    changes: dict[str, int] = {}
    for r in rows:
        if r["change"]:
            changes[r["change"]] = changes.get(r["change"], 0) + r["cases"]
        if r["state"] == State.CLOSED.value:
            continue
        t = by_type.setdefault(r["case_type"], {"case_type": r["case_type"], "label": r["type_label"] or
                                               CASE_TYPES[CaseType(r["case_type"])].label,
                                               "open": 0, "overdue": 0, "due_soon": 0, "by_state": {}})
        t["open"] += r["cases"]
        t["overdue"] += r["overdue"]
        t["due_soon"] += r["due_soon"]
        t["by_state"][r["state"]] = t["by_state"].get(r["state"], 0) + r["cases"]
    for t in by_type.values():
        t["states"] = [{"state": k, "open": n} for k, n in t.pop("by_state").items()]
    types = sorted(by_type.values(), key=lambda t: -t["open"])
    totals = {k: sum(t[k] for t in types) for k in ("open", "overdue", "due_soon")}
    chart = {"types": [t["label"] for t in types],
             "series": [{"name": "未逾期", "data": [t["open"] - t["overdue"] for t in types]},
                        {"name": "已逾期", "data": [t["overdue"] for t in types]}]}
    return render(request, "dashboard.html", officer=officer, types=types, totals=totals, run=run,
                  changes=[(k, label, changes[k]) for k, label in CHANGE_LABELS.items() if k in changes], chart=chart,
                  nav="home")


# --- 台账 ------------------------------------------------------------------------


def _blank(v: str | None) -> str | None:
    return v.strip() if v and v.strip() else None


@router.get("/cases")
def case_list(
    request: Request,
    officer: CurrentOfficer,
    case_type: Annotated[str | None, Query(max_length=40)] = None,
    state: Annotated[str | None, Query(max_length=40)] = None,
    town: Annotated[str | None, Query(max_length=12)] = None,
    overdue: Annotated[str | None, Query(max_length=4)] = None,
    change: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[str, Query(max_length=20)] = "deadline",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    store = store_of(request)
    case_type, state, town, change, q = map(_blank, (case_type, state, town, change, q))
    if case_type not in {t.value for t in CaseType} | {None}:
        case_type = None
    if state not in {s.value for s in State} | {None}:
        state = None
    if change not in set(CHANGE_LABELS) | {None}:
        change = None
    sort = sort if sort in SORTS else "deadline"
    change_run = None
    if change:
        change_run = ledger_reads.latest_change_run(store)
    id_number = None
    if q:
        query = interpret(q)
        if query is not None and query.kind in ("id_number", "xueji_no"):
            id_number = query.params.get("id_number")
    today = date.today()
    rows = store.query("web/cases", state=state, case_type=case_type, town=town, overdue=overdue == "1", q=q,
                       id_number=id_number, change=change, change_run=change_run, county=None, sort=sort,
                       today=today.isoformat(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                       **officer.caller.scope())
    total = rows[0]["total"] if rows else 0
    items = []
    for c in masked(rows[0]["items"] if rows else []):
        deadline = date.fromisoformat(c["deadline"]) if c.get("deadline") else None
        c["days_left"] = (deadline - today).days if deadline and c["state"] != State.CLOSED.value else None
        items.append(c)
    if q:  # a search is a read of the children found, audited as the API's search
        audit_read_sync(request, officer.caller, audit.PERSON_SEARCH,
                        person_ids=[c["person_id"] for c in items if c.get("person_id")], target=f"台账:{masked(q)}")
    filters = {"case_type": case_type, "state": state, "town": town, "overdue": overdue if overdue == "1" else None,
               "change": change, "q": q, "sort": sort}

    def link(**changes: Any) -> str:
        params = {**filters, "page": page, **changes}
        return "/app/cases?" + urlencode({k: v for k, v in params.items() if v not in (None, "", 1) or k == "page"
                                          and v != 1})

    pages = max(1, -(-total // PAGE_SIZE))
    towns = store.query("web/towns", **officer.caller.scope())
    context = {"officer": officer, "items": items, "total": total, "page": page, "pages": pages, "filters": filters,
               "link": link, "types": [(t.value, CASE_TYPES[t].label) for t in CaseType],
               "states": [s.value for s in State], "towns": towns, "changes": list(CHANGE_LABELS.items()),
               "sorts": SORTS, "nav": "cases"}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "case-table":
        return render(request, "_case_table.html", **context)
    return render(request, "cases.html", **context)


@router.get("/cases/export")
def case_export(request: Request, officer: CurrentOfficer,
                county: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None) -> Response:
    from notoneless.cases.export import export_county

    caller = officer.caller
    county = county or (caller.division if len(caller.division) == 6 else None)
    if not officer.can_export or county is None or not county.startswith(caller.division):
        raise NotFound("没有可导出的县：县级数据员导出本县台账；省级管理员请在台账页选定县。")
    audit_read_sync(request, caller, audit.LEDGER_EXPORT, target=county)
    folder = Path(tempfile.mkdtemp(prefix="nol-export-"))
    out = folder / f"台账_{county}_{date.today().isoformat()}.xlsx"
    export_county(store_of(request), county, out)

    def cleanup() -> None:
        out.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(out, filename=out.name, background=BackgroundTask(cleanup),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- 案件 ------------------------------------------------------------------------


def _reason_rows(codes: frozenset[str]) -> list[dict[str, Any]]:
    def order(code: str) -> tuple[str, int]:
        return code[0], int(code[1:]) if code[1:].isdigit() else 0

    return [{"code": c, "label": REASONS[c].label, "explanation": REASONS[c].explanation,
             "note_required": REASONS[c].note_required} for c in sorted(codes, key=order) if c in REASONS]


def _evidence_groups(rule: EvidenceRule) -> list[list[tuple[str, str]]]:
    """The evidence fields a rule asks for: one field a group, its kinds as choices."""
    groups = []
    for g in rule.groups:
        kinds = sorted(EvidenceKind) if g == ANY_KIND else sorted(g, key=lambda k: EVIDENCE_LABELS[k])
        groups.append([(k.value, EVIDENCE_LABELS[k]) for k in kinds])
    return groups


def _forms(case: ledger_reads.CaseRecord, chosen: dict[str, str]) -> list[dict[str, Any]]:
    """One form per action the machine allows now; for the chosen reason of each (the first
    when none), the evidence fields the action and that reason need, and nothing else."""
    forms = []
    view = case.view()
    for t in allowed(view):
        reasons = _reason_rows(t.reasons)
        reason = chosen.get(t.action.value) if chosen.get(t.action.value) in t.reasons else (
            reasons[0]["code"] if reasons else None)
        rule = EvidenceRule(t.evidence.groups + (REASONS[reason].evidence.groups if reason else ()))
        forms.append({
            "action": t.action.value, "label": ACTION_LABELS[t.action], "target": target_state(view, t).value,
            "reasons": reasons, "reason": reason, "evidence": _evidence_groups(rule),
            "details": [(k, DETAIL_LABELS.get(k, k)) for k in t.details],
            "note_required": t.note_required or bool(reason and REASONS[reason].note_required),
            "deadline_required": t.deadline_required,
        })
    return forms


def _case_page(request: Request, officer: Officer, case_id: str, *, status: int = 200, error: str | None = None,
               chosen: dict[str, str] | None = None, open_form: str | None = None) -> HTMLResponse:
    store = store_of(request)
    detail = case_routes.get_case(request, store, officer.caller, case_id)  # scope (404), masking, audit
    record = ledger_reads.get_case(store, case_id)
    files = evidence.list_files(settings_of(request).evidence_dir, case_id)
    forms = _forms(record, chosen or {}) if officer.caller.can_act else []
    names = {r["code"]: r["name"] for r in store.query(
        "cases/division_names", codes=[c for c in (detail.case.responsible_county, detail.case.responsible_town) if c])}
    events = [{**e.model_dump(), "reason_label": REASONS[e.reason_code].label if e.reason_code in REASONS else None,
               "evidence_labels": [_evidence_label(x) for x in e.evidence or []]} for e in detail.events]
    return render(request, "case.html", status=status, officer=officer, case=detail.case, detail=detail,
                  events=events, forms=forms, files=files, error=error, names=names, open_form=open_form,
                  evidence_kinds=[(k.value, v) for k, v in EVIDENCE_LABELS.items()],
                  max_mb=settings_of(request).web_evidence_max_mb,
                  reason_label=REASONS[detail.reason_code].label if detail.reason_code in REASONS else None,
                  nav="cases")


def _evidence_label(text: str) -> str:
    kind, _, ref = text.partition("=")
    try:
        return f"{EVIDENCE_LABELS[EvidenceKind(kind)]}={ref}"
    except ValueError:
        return text


@router.get("/cases/{case_id}")
def case_page(request: Request, officer: CurrentOfficer, case_id: str) -> HTMLResponse:
    chosen = {k[len("reason_"):]: v for k, v in request.query_params.items() if k.startswith("reason_")}
    if request.headers.get("HX-Request") and request.query_params.get("form"):
        # htmx: the one form again, with the evidence fields of the reason just chosen
        case_routes._in_scope(store_of(request), officer.caller, case_id)
        record = ledger_reads.get_case(store_of(request), case_id)
        wanted = request.query_params["form"]
        forms = [f for f in _forms(record, {wanted: request.query_params.get("reason", "")}) if f["action"] == wanted]
        if not forms:
            raise NotFound("没有这个操作。")
        return render(request, "_action_form.html", f=forms[0], case=record, officer=officer, open_form=wanted)
    return _case_page(request, officer, case_id, chosen=chosen)


@router.post("/cases/{case_id}/act")
async def case_act(request: Request, officer: CurrentOfficer, case_id: str) -> Response:
    form = await request.form()
    check_csrf(officer, str(form.get("csrf") or ""))
    action = str(form.get("action") or "")
    reason = str(form.get("reason") or "") or None
    items = []
    for i in range(20):
        kind, ref = str(form.get(f"evidence_kind_{i}") or ""), str(form.get(f"evidence_ref_{i}") or "").strip()
        if kind and ref:
            items.append(f"{kind}={ref}")
    details = {k[len("detail_"):]: str(v).strip() for k, v in form.items() if k.startswith("detail_") and str(v).strip()}
    deadline_text = str(form.get("deadline") or "").strip()
    try:
        version = int(str(form.get("expected_version") or "0")) or None
        body = TransitionRequest(action=action, reason=reason, evidence=items, note=str(form.get("note") or "").strip()
                                 or None, deadline=date.fromisoformat(deadline_text) if deadline_text else None,
                                 details=details, expected_version=version)
    except ValueError as exc:
        return await run_in_threadpool(_case_page, request, officer, case_id, status=422,
                                       error=f"表单填写有误：{exc}", open_form=action)
    try:
        await run_in_threadpool(case_routes.transition, store_of(request), officer.caller, case_id, body)
    except (CaseError, ApiError) as exc:
        if isinstance(exc, CaseError) and exc.code == "CASE_NOT_FOUND":
            raise
        status = 409 if exc.code in ("CASE_CONFLICT", "CASE_ILLEGAL_TRANSITION") else 422
        return await run_in_threadpool(_case_page, request, officer, case_id, status=status, error=str(exc),
                                       chosen={action: reason or ""}, open_form=action)
    return see_other(f"/app/cases/{case_id}?done={action}")


@router.post("/cases/{case_id}/evidence")
async def evidence_upload(request: Request, officer: CurrentOfficer, case_id: str) -> Response:
    settings = settings_of(request)
    limit = int(settings.web_evidence_max_mb * 1024 * 1024)
    try:  # the body is read only up to the limit (evidence.py)
        form = await evidence.read_upload_form(request, limit)
    except evidence.BodyTooLarge:
        await run_in_threadpool(case_routes._in_scope, store_of(request), officer.caller, case_id)
        return await run_in_threadpool(_case_page, request, officer, case_id, status=413,
                                       error=str(evidence.too_large(limit)))
    try:
        check_csrf(officer, str(form.get("csrf") or ""))
        await run_in_threadpool(case_routes._in_scope, store_of(request), officer.caller, case_id)
        if not officer.caller.can_act:
            raise NotFound("只读角色不能上传佐证材料。")
        file = form.get("file")
        if not isinstance(file, StarletteUploadFile):
            return await run_in_threadpool(_case_page, request, officer, case_id, status=422,
                                           error="没有选择文件：请选择佐证材料文件后再上传。")
        try:
            kind = EvidenceKind(str(form.get("kind") or "other")).value
        except ValueError:
            kind = EvidenceKind.OTHER.value
        try:
            await run_in_threadpool(evidence.store_stream, settings.evidence_dir, case_id, file.filename or "file", kind,
                                    file.file, by=officer.caller, max_bytes=limit)
        except CaseError as exc:
            return await run_in_threadpool(_case_page, request, officer, case_id, status=exc.http_status,
                                           error=str(exc))
    finally:
        await form.close()
    return see_other(f"/app/cases/{case_id}?uploaded=1#evidence")


@router.get("/cases/{case_id}/evidence/{file_id}")
def evidence_download(request: Request, officer: CurrentOfficer, case_id: str, file_id: str) -> Response:
    store = store_of(request)
    case_routes._in_scope(store, officer.caller, case_id)
    found = evidence.get_file(settings_of(request).evidence_dir, case_id, file_id)
    if found is None:
        raise NotFound("没有这个佐证材料文件。")
    meta, path = found
    person = ledger_reads.get_case(store, case_id).props.get("person_id")
    audit_read_sync(request, officer.caller, audit.EVIDENCE_DOWNLOAD, person_id=person,
                    target=f"{case_id}/{file_id}")  # before the file is sent
    return FileResponse(path, media_type=meta.media_type, filename=meta.name,
                        headers={"Cache-Control": "no-store"})


# --- 儿童档案 --------------------------------------------------------------------


@router.get("/persons/{person_id}")
async def person_page(request: Request, officer: CurrentOfficer, person_id: str) -> HTMLResponse:
    if not person_id or len(person_id) > 64:
        raise NotFound("没有这个人员。")
    trail = await person_routes.get_trail(request, officer.caller, person_id)  # scope (404), masking, audit
    records = []
    for r in trail["records"]:
        repairs = []
        if r.get("id_issue") and r["id_issue"] != "ok":
            repairs.append(ISSUE_LABELS.get(r["id_issue"], r["id_issue"]))
        if (r.get("name_raw") or "") != (r.get("name_norm") or "") and r.get("name_norm"):
            repairs.append("姓名规范化（繁体→简体、去空格等）")
        records.append({**r, "source_label": SOURCE_LABELS.get(r.get("source"), r.get("source")), "repairs": repairs,
                        "fields": [(label, r[prop]) for prop, label in RECORD_FIELDS.get(r.get("source"), ())
                                   if r.get(prop) is not None]})
    person = trail["person"]
    flags = [label for prop, label in STATUS_FLAGS if person.get(prop)]
    home = person.get("home_code")
    names = {r["code"]: r["name"] for r in store_of(request).read("cases/division_names", codes=[home])} if home else {}
    return render(request, "person.html", officer=officer, trail=trail, person=person, records=records, flags=flags,
                  finding_labels=FINDING_LABELS, home=f"{names[home]}({home})" if home in names else home, nav="cases")
