"""The 三包 pages under ``/app`` (docs/web.md): the town → village tree of the officer's
division (``/app/contacts``), a village (``/app/villages/{code}``) with forms to assign,
replace and release contacts, a contact (``/app/contacts/{contact_id}``) with its
在岗/离岗 form, and the town roster workbook (``/app/contacts/roster``).

Adapters only. Reads: ``contacts.villages`` (the roster's rows and gap definitions, on
the current graph), ``contacts.visits.visit_list``, the contacts queries; scope as the
actions' (``contacts.actions.find_contact``, ``contacts/targets_in_scope``), so another
county's village or contact is the same 404 page as an unknown one. Writes:
``contacts.actions`` (assign, release, replace, set_status) — the API's own code, with
its role and county checks. Before an assignment is saved, ``actions.second_contacts``
says which targets would get a second contact of the duty type (a child a second 包人);
the page asks to confirm. The roster is the API's ``GET /contacts/roster`` route
(``contacts.roster``: masked; revealed only for roles that may, after its audit event).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from notoneless.api.convert import masked
from notoneless.api.routers import assignments as contact_routes
from notoneless.contacts import actions
from notoneless.contacts.villages import GAP_KINDS, VISIT_STATES, Village, division_tree, village_view
from notoneless.contacts.visits import visit_list
from notoneless.errors import ContactError, ContactNotFound
from notoneless.normalize.vocabulary import CONTACT_STATUSES, DUTY_TYPES
from notoneless.web.pages import CurrentOfficer, Officer, check_csrf, key_of, render, see_other, store_of

router = APIRouter(prefix="/app", include_in_schema=False)

CONTACT_ID = re.compile(r"^[^/\s]{1,40}$")
DONE = {"assign": "已指派", "release": "已解除", "replace": "已更换", "status": "已更改在岗状态"}
NEXT_RUN = "三包缺位线索与案件在下次比对时随之更新；本页按当前指派即时计算。"


# --- references to targets --------------------------------------------------------
# A household key holds a 16-digit 户编号, masked on the page (api.convert.masked). The
# page's forms name a target by an HMAC of its key instead (not reversible); the POST
# finds it again among the village's own targets.


def _ref(request: Request, key: str) -> str:
    return hmac.new(key_of(request), f"target:{key}".encode(), hashlib.sha256).hexdigest()[:24]


def _targets_by_ref(request: Request, village: Village) -> dict[str, tuple[str, str]]:
    """ref → (duty type, key) of the village, its target children and their households."""
    keys = [("包村", village.code)] + [("包人", c["person_id"]) for c in village.children] + [
        ("包户", h["key"]) for h in village.households]
    return {_ref(request, k): (duty, k) for duty, k in keys}


def _typed(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,，;；、]+", text.strip()) if t]


# --- the tree --------------------------------------------------------------------


@router.get("/contacts")
def contacts_tree(request: Request, officer: CurrentOfficer,
                  county: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None) -> HTMLResponse:
    tree = division_tree(store_of(request), officer.caller, county)
    return render(request, "contacts.html", officer=officer, tree=tree, gap_kinds=GAP_KINDS,
                  visit_states=VISIT_STATES, nav="contacts")


# --- the town roster (XLSX) -----------------------------------------------------


def _roster(request: Request, officer: Officer, town: str, reveal: bool) -> Response:
    answer = contact_routes.town_roster(request, store_of(request), officer.caller, town, reveal)  # scope, masking, audit
    name = f"三包花名册_{town}{'_完整号码' if reveal else ''}.xlsx"
    return Response(answer.body, media_type=contact_routes.XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"})


@router.get("/contacts/roster")
def roster_download(request: Request, officer: CurrentOfficer,
                    town: Annotated[str, Query(pattern=r"^[0-9]{9}$")]) -> Response:
    return _roster(request, officer, town, reveal=False)


@router.post("/contacts/roster")
def roster_reveal(request: Request, officer: CurrentOfficer, town: Annotated[str, Form(pattern=r"^[0-9]{9}$")],
                  csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(officer, csrf)  # a revealed roster is an audit event: only from the page's own form
    return _roster(request, officer, town, reveal=True)


# --- a contact -------------------------------------------------------------------


def _contact_page(request: Request, officer: Officer, contact_id: str, month: str | None = None, status: int = 200,
                  error: str | None = None) -> HTMLResponse:
    if not CONTACT_ID.match(contact_id) or officer.caller.scope()["division"] is None:
        raise ContactNotFound("没有这个联系人。")
    store = store_of(request)
    listing = visit_list(store, officer.caller, contact_id, month)  # find_contact: 404 outside the county
    division = officer.caller.division
    duties = store.query("contacts/responsibilities", contact_id=listing.contact["contact_id"], division=division)
    visits = store.query("contacts/contact_visits", contact_id=listing.contact["contact_id"], division=division,
                         limit=100)
    county = listing.contact.get("county_code") or ""
    county_name = next((r["name"] for r in store.query("contacts/divisions_under", division=county)
                        if r["code"] == county), "") if county else ""
    notice = None
    if request.query_params.get("done") == "status":
        notice = f"{DONE['status']}：{masked(listing.contact).get('name') or contact_id} 现为" \
                 f"{request.query_params.get('status', '')}。{NEXT_RUN}"
    return render(request, "contact.html", status=status, officer=officer, contact=masked(listing.contact),
                  listing=listing, items=masked(listing.items), counts=listing.counts(), duties=masked(duties),
                  visits=masked(visits), statuses=CONTACT_STATUSES, county_name=county_name, error=error, notice=notice, nav="contacts")


@router.get("/contacts/{contact_id}")
def contact_page(request: Request, officer: CurrentOfficer, contact_id: str,
                 month: Annotated[str | None, Query(pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")] = None
                 ) -> HTMLResponse:
    return _contact_page(request, officer, contact_id, month)


@router.post("/contacts/{contact_id}/status")
def contact_status(request: Request, officer: CurrentOfficer, contact_id: str,
                   status: Annotated[str, Form(max_length=10)] = "", note: Annotated[str, Form(max_length=500)] = "",
                   csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(officer, csrf)
    if not CONTACT_ID.match(contact_id):
        raise ContactNotFound("没有这个联系人。")
    try:
        actions.set_status(store_of(request), officer.caller, contact_id, status, note=note.strip() or None)
    except ContactError as exc:
        if exc.http_status == 404:
            raise
        return _contact_page(request, officer, contact_id, status=exc.http_status, error=str(exc))
    return see_other(f"/app/contacts/{quote(contact_id)}?" + urlencode({"done": "status", "status": status.strip()}))


# --- a village -------------------------------------------------------------------


def _village_page(request: Request, officer: Officer, code: str, *, view: Village | None = None, status: int = 200,
                  error: str | None = None, confirm: dict[str, Any] | None = None,
                  form: dict[str, Any] | None = None) -> HTMLResponse:
    store = store_of(request)
    village = view or village_view(store, officer.caller, code)
    notice = None
    done = request.query_params.get("done")
    if done in DONE and not error and not confirm:
        n = request.query_params.get("n", "")
        who = request.query_params.get("contact", "")
        notice = f"{DONE[done]}：联系人 {who}，{request.query_params.get('duty', '')} {n} 个对象。{NEXT_RUN}"
        if request.query_params.get("offduty"):
            notice += "注意：该联系人为离岗，这些对象仍是缺位——请在联系人页面改为在岗。"
    ref = {"village": _ref(request, village.code),
           "children": {c["person_id"]: _ref(request, c["person_id"]) for c in village.children},
           "households": {h["key"]: _ref(request, h["key"]) for h in village.households}}
    return render(request, "village.html", status=status, officer=officer, v=village,
                  contacts=masked(village.contacts), children=masked(village.children),
                  households=masked(village.households), visits=masked(village.visits), ref=ref,
                  duty_types=DUTY_TYPES, gap_kinds=GAP_KINDS, visit_states=VISIT_STATES, error=error,
                  notice=notice, confirm=confirm, form=form or {}, nav="contacts")


@router.get("/villages/{code}")
def village_page(request: Request, officer: CurrentOfficer, code: str) -> HTMLResponse:
    return _village_page(request, officer, code)


@router.get("/villages/{code}/choices")
def contact_choices(request: Request, officer: CurrentOfficer,
                    code: Annotated[str, Path(pattern=r"^[0-9]{12}$")]) -> HTMLResponse:
    """The village page's list of contacts to choose from (htmx, after the page has shown):
    the contacts of the village's county the officer may act on (``find_contact``'s rule)."""
    choices = actions.contacts_to_choose(store_of(request), officer.caller, code[:6]) if officer.caller.can_act else []
    return render(request, "_contact_choices.html", choices=masked(choices))


def _done(code: str, action: str, result: actions.ActionResult) -> Response:
    params = {"done": action, "contact": result.replaced_by or result.contact_id, "duty": result.duty_type or "",
              "n": len(result.targets)}
    if result.action != "release" and result.contact_status == "离岗":
        params["offduty"] = 1
    return see_other(f"/app/villages/{code}?{urlencode(params)}")


def _chosen(request: Request, village: Village, duty: str, refs: list[str]) -> list[str]:
    """The keys of the checked targets of duty type ``duty`` (others and unknown refs ignored)."""
    found = _targets_by_ref(request, village)
    return [found[r][1] for r in refs if r in found and found[r][0] == duty]


@router.post("/villages/{code}/assign")
async def village_assign(request: Request, officer: CurrentOfficer, code: str) -> Response:
    form = await request.form()
    check_csrf(officer, str(form.get("csrf") or ""))
    return await run_in_threadpool(_assign, request, officer, code, form)


def _assign(request: Request, officer: Officer, code: str, form: Any) -> Response:
    store = store_of(request)
    village = village_view(store, officer.caller, code)  # 404 outside the division
    fields = {"contact_id": str(form.get("contact_id") or "").strip()[:40],
              "duty_type": str(form.get("duty_type") or "").strip()[:4],
              "mode": "village" if form.get("mode") == "village" else "chosen",
              "refs": [str(r)[:64] for r in form.getlist("ref")][:500],
              "typed": str(form.get("typed") or "")[:2000], "note": str(form.get("note") or "").strip()[:500]}
    try:
        if not fields["contact_id"]:
            raise ContactError("请填写联系人编号（可从列表中选择）。", field="contact_id")
        targets = _chosen(request, village, fields["duty_type"], fields["refs"]) + _typed(fields["typed"])
        whole = village.code if fields["mode"] == "village" else None
        if fields["duty_type"] == "包村" and whole is None and not targets:
            whole = village.code  # 包村 of this village is the village itself
        args = {"targets": targets or None, "village": whole}
        if not form.get("confirm"):
            seconds = actions.second_contacts(store, officer.caller, fields["contact_id"], fields["duty_type"], **args)
            if seconds:
                confirm = {"lines": [s.describe() for s in seconds], "duty_type": fields["duty_type"]}
                return _village_page(request, officer, code, view=village, confirm=masked(confirm), form=fields)
        result = actions.assign(store, officer.caller, fields["contact_id"], fields["duty_type"], note=fields["note"]
                                or None, **args)
    except ContactError as exc:
        return _village_page(request, officer, code, view=village, status=422 if exc.http_status == 404 else
                             exc.http_status, error=str(exc), form=fields)
    return _done(code, "assign", result)


@router.post("/villages/{code}/release")
def village_release(request: Request, officer: CurrentOfficer, code: str,
                    contact_id: Annotated[str, Form(max_length=40)] = "", ref: Annotated[str, Form(max_length=64)] = "",
                    new_contact_id: Annotated[str, Form(max_length=40)] = "",
                    note: Annotated[str, Form(max_length=500)] = "",
                    csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    """Release ``contact_id`` from one target of the village; with ``new_contact_id``, replace them."""
    check_csrf(officer, csrf)
    store = store_of(request)
    village = village_view(store, officer.caller, code)
    found = _targets_by_ref(request, village).get(ref)
    try:
        if found is None:
            raise ContactError("该对象已不在本村名单中：请刷新页面后重试。", field="ref")
        duty, key = found
        if new_contact_id.strip():
            result = actions.replace(store, officer.caller, contact_id, new_contact_id.strip(), duty, targets=[key],
                                     note=note.strip() or None)
            return _done(code, "replace", result)
        result = actions.release(store, officer.caller, contact_id, duty, targets=[key], note=note.strip() or None)
    except ContactError as exc:
        return _village_page(request, officer, code, view=village, status=422 if exc.http_status == 404 else
                             exc.http_status, error=str(exc))
    return _done(code, "release", result)
