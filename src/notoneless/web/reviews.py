"""身份核查 pages under ``/app`` (docs/web.md): the review queue of the officer's division
(``/app/reviews``), one review with both records field by field and the plain-Chinese
explanation (``/app/reviews/{review_id}``), the decision buttons, and withdrawing a
decision from the 儿童档案 (``/app/decisions/{decision_id}/withdraw``).

Nothing is decided or worded here:
- the queue, its order and what deciding each item would change: ``decisions.queue`` and
  ``decisions.consequence`` (as the API's ``GET /reviews`` and ``notoneless reviews list``);
- one review: the API's own route function ``api.routers.reviews.review`` (the scope
  check — out of scope is the same 404 —, masking, the ``review_read`` audit event, and
  the explanation of ``linkage.explain``, whose plain wording ``notoneless explain`` prints);
- deciding and withdrawing: the API's ``api.routers.decisions.decide`` / ``withdraw``
  (both records in scope, the role, then ``decisions.book``); what the next run does with
  it: ``decisions.honour.next_run``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from notoneless.api.convert import masked
from notoneless.api.models import DecisionRequest, WithdrawRequest
from notoneless.api.routers import decisions as decision_routes
from notoneless.api.routers import reviews as review_routes
from notoneless.decisions.consequence import describe
from notoneless.decisions.honour import WITHDRAWN_NEXT_RUN, next_run
from notoneless.decisions.judgement import PAIR_VERDICTS, VERDICT_LABELS, Verdict
from notoneless.decisions.queue import list_reviews, review_item
from notoneless.errors import ApiError, DecisionError, NotFound
from notoneless.linkage.explain import PRIOR
from notoneless.linkage.plain import certainty
from notoneless.normalize.idnumber import ISSUE_LABELS
from notoneless.normalize.names import describe_cleaning
from notoneless.trail import RECORD_FIELDS, SOURCE_LABELS
from notoneless.web.pages import (
    CurrentOfficer,
    Officer,
    check_csrf,
    env,
    render,
    see_other,
    settings_of,
    store_of,
)

router = APIRouter(prefix="/app", include_in_schema=False)

PAGE_SIZE = 50
REVIEW_ID = r"^R[0-9a-f]{12}$"
DECISION_ID = r"^D[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$"
# The buttons: the verdict, its label on the page
BUTTONS = ((Verdict.SAME, "同一人"), (Verdict.DIFFERENT, "不是同一人"), (Verdict.DEFER, "暂缓"))
# Each comparison of the explanation (its Chinese name, linkage.comparisons.DISPLAY) → the
# record property holding the value as the source system wrote it, where the graph keeps one.
RAW = {"身份证号": "id_raw", "姓名": "name_raw"}
SEX = {"M": "男", "F": "女"}
# The 儿童档案's decisions (_person_decisions.html, included by pages.py's person.html) say it too.
env.globals["withdrawn_next_run"] = WITHDRAWN_NEXT_RUN


def _persons(request: Request, person_ids: list[str], records: bool) -> dict[str, dict[str, Any]]:
    rows = store_of(request).query("web/review_persons", person_ids=sorted(set(person_ids)), records=records)
    return {r["person_id"]: masked(r) for r in rows}


@router.get("/reviews")
def review_list(request: Request, officer: CurrentOfficer,
                decided: Annotated[str | None, Query(max_length=2)] = None,
                auto: Annotated[str | None, Query(max_length=2)] = None,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    store = store_of(request)
    # decided=1: every conflict of the scope; auto=1: the undecided, with those left to the threshold
    everything = decided == "1"
    with_auto = everything or auto == "1"
    total, items = list_reviews(store, decided=everything, auto=with_auto, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE, **officer.caller.scope())
    names = {pid: p.get("name") for pid, p in _persons(
        request, [p for i in items for p in (i.get("person_id_a"), i.get("person_id_b")) if p], False).items()}
    entries = [{**masked(i), "consequence": describe(i), "certainty": certainty(i["match_probability"])
                if i.get("match_probability") is not None else "—",
                "name_a": names.get(i.get("person_id_a")), "name_b": names.get(i.get("person_id_b")),
                "decided_label": VERDICT_LABELS[Verdict(i["decided"])] if i.get("decided") else None} for i in items]
    view = "&decided=1" if everything else "&auto=1" if with_auto else ""
    return render(request, "reviews.html", officer=officer, entries=entries, total=total, page=page,
                  pages=max(1, -(-total // PAGE_SIZE)), decided=everything, auto=with_auto, view=view, nav="reviews")


def _field_rows(explanation: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per comparison: each record's raw value, cleaned value and what cleaning did,
    the verdict in words, and the weight as a bar."""
    rows = []
    for r in explanation.rows if explanation else []:
        if r.comparison == PRIOR:
            continue
        sides = []
        for rec, cleaned in zip(records, (r.value_a, r.value_b), strict=False):
            raw_prop = RAW.get(r.comparison)
            raw = rec.get(raw_prop) if raw_prop else None
            did: list[str] = []
            if r.comparison == "身份证号" and rec.get("id_issue") not in (None, "ok"):
                did.append(ISSUE_LABELS.get(rec["id_issue"], rec["id_issue"]))
            elif r.comparison == "姓名":
                did = describe_cleaning(rec.get("name_raw"), rec.get("name_norm"))
            elif r.comparison == "性别":
                cleaned = SEX.get(cleaned, cleaned)
            sides.append({"raw": raw if raw_prop else None, "cleaned": cleaned, "did": "；".join(did)})
        rows.append({"name": r.comparison, "sides": sides, "verdict": r.verdict.split("：", 1)[-1] if r.verdict else r.level,
                     "note": r.note, "strength": r.strength, "bar": r.bar,
                     "way": "pro" if r.match_weight > 0 else "con"})
    return rows


def _record_view(rec: dict[str, Any]) -> dict[str, Any]:
    fields = [(label, ("是" if rec[prop] else "否") if isinstance(rec[prop], bool) else rec[prop])
              for prop, label in RECORD_FIELDS.get(rec.get("source"), ()) if rec.get(prop) is not None]
    return {**rec, "source_label": SOURCE_LABELS.get(rec.get("source"), rec.get("source")), "fields": fields}


def _review_page(request: Request, officer: Officer, review_id: str, *, status: int = 200, error: str | None = None,
                 note: str = "", chosen: str | None = None) -> HTMLResponse:
    store = store_of(request)
    # the API's route: scope (404), masking, the review_read audit event, the explanation
    detail = review_routes.review(request, store, settings_of(request), officer.caller, review_id)
    item = detail.review
    records = [dict(r) for r in detail.records]
    persons = _persons(request, [r["person_id"] for r in records if r.get("person_id")], True)
    shown = {r["record_key"] for r in records}
    others = [{"person_id": pid, "name": persons[pid].get("name"), "side": side,
               "records": [_record_view(x) for x in persons[pid]["records"] if x.get("record_key") not in shown]}
              for side, pid in (("A", item.person_id_a), ("B", item.person_id_b)) if pid in persons
              and (side == "A" or pid != item.person_id_a)]
    done = request.query_params.get("done")
    done_text = None
    if done in {v.value for v in PAIR_VERDICTS} and status == 200:
        done_text = (f"已记录：{VERDICT_LABELS[Verdict(done)]}。"
                     + next_run(Verdict(done), item.same_person))
    effects = {v.value: next_run(v, item.same_person) for v, _ in BUTTONS}
    return render(request, "review.html", status=status, officer=officer, item=item, detail=detail,
                  records=[_record_view(r) for r in records], fields=_field_rows(detail.explanation, records),
                  others=others, consequence=describe(item.model_dump()), buttons=BUTTONS, effects=effects,
                  certainty=certainty(detail.explanation.match_probability) if detail.explanation else None,
                  error=error, note=note, chosen=chosen, done_text=done_text, nav="reviews")


@router.get("/reviews/{review_id}")
def review_page(request: Request, officer: CurrentOfficer,
                review_id: Annotated[str, PathParam(pattern=REVIEW_ID)]) -> HTMLResponse:
    return _review_page(request, officer, review_id)


@router.post("/reviews/{review_id}/decide")
async def review_decide(request: Request, officer: CurrentOfficer,
                        review_id: Annotated[str, PathParam(pattern=REVIEW_ID)],
                        verdict: Annotated[str, Form(max_length=20)] = "",
                        note: Annotated[str, Form(max_length=500)] = "",
                        csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(officer, csrf)
    store = store_of(request)
    try:  # the item in the officer's scope (else the same 404 as for none)
        item, _ = await run_in_threadpool(review_item, store, review_id, **officer.caller.scope())
    except DecisionError as exc:
        raise NotFound(str(exc)) from exc
    if verdict not in {v.value for v in PAIR_VERDICTS}:
        return await run_in_threadpool(_review_page, request, officer, review_id, status=422, note=note,
                                       error="请选择「同一人」「不是同一人」或「暂缓」之一。")
    body = DecisionRequest(record_key_a=item["record_key_a"], record_key_b=item["record_key_b"], verdict=verdict,
                           note=note.strip() or None)
    try:
        await run_in_threadpool(decision_routes.decide, store, officer.caller, body)
    except NotFound:  # the item is in scope through one record; the other is another county's
        return await run_in_threadpool(
            _review_page, request, officer, review_id, status=403, note=note, chosen=verdict,
            error="这处冲突的另一条记录不在您的辖区内，您不能单独判定：请联系上级（市、省级）管理员判定。")
    except (ApiError, DecisionError) as exc:
        return await run_in_threadpool(_review_page, request, officer, review_id, status=exc.http_status, note=note,
                                       chosen=verdict, error=str(exc))
    return see_other(f"/app/reviews/{review_id}?done={verdict}")


@router.post("/decisions/{decision_id}/withdraw")
async def decision_withdraw(request: Request, officer: CurrentOfficer,
                            decision_id: Annotated[str, PathParam(pattern=DECISION_ID)],
                            person_id: Annotated[str, Form(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
                            note: Annotated[str, Form(max_length=500)] = "",
                            csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(officer, csrf)
    try:
        withdrawal = await run_in_threadpool(decision_routes.withdraw, store_of(request), officer.caller, decision_id,
                                             WithdrawRequest(note=note.strip() or None))
    except NotFound:
        raise
    except (ApiError, DecisionError) as exc:
        return render(request, "error.html", status=exc.http_status if 400 <= exc.http_status < 500 else 409,
                      message=f"{exc}（返回儿童档案：/app/persons/{person_id}）", officer=officer)
    return see_other(f"/app/persons/{person_id}?withdrawn={decision_id}&by={withdrawal.decision_id}#decisions")
