"""The review queue (待核身份冲突) an officer works through: the latest run's identity
conflicts (``IdentityConflict`` nodes, loaded by ``honour.load_queue``), most important
first — an item whose decision would change a finding, a case or a payment
(``consequence.py``), then a target child (三包对象), then a payment (资助发放) — then the
highest match probability; pairs with an effective same/different decision leave it, and
so do the items whose decision would change nothing (left to the threshold, listed with
``auto``).

An item shows both records side by side and the Chinese explanation of the match
weights (``linkage.explain.explain_pair`` over the last run's workspace).
"""

from __future__ import annotations

from typing import Any

from notoneless.config import Settings
from notoneless.decisions.book import decision_rows_from_graph
from notoneless.errors import DecisionError, LinkageError
from notoneless.graph.store import GraphStore


def list_reviews(
    store: GraphStore,
    *,
    county: str | None = None,
    decided: bool = False,
    auto: bool = False,
    division: str | None = None,
    school: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """One page of the queue: ``(total, items)``; ``division``/``school`` limit it to a
    scope; ``auto``: also the items left to the threshold (deciding them changes nothing)."""
    rows = store.query("reviews/list", county=county, decided=decided, auto=auto, division=division, school=school,
                       limit=limit, offset=offset)
    return (int(rows[0]["total"]), rows[0]["items"]) if rows else (0, [])


def review_item(
    store: GraphStore, review_id: str, *, division: str | None = None, school: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The item ``review_id`` (in scope) and its two records, without the explanation
    (fingerprints left in the item, out of the records). DecisionError REVIEW_NOT_FOUND."""
    rows = store.query("reviews/get", review_id=review_id.strip(), division=division, school=school)
    if not rows:
        raise DecisionError(
            f"没有待核身份冲突 {review_id}（或不在辖区内）：请用 notoneless reviews list（或 GET /reviews）查看编号。",
            code="REVIEW_NOT_FOUND",
        )
    records = [{k: v for k, v in r.items() if k != "fingerprint"} for r in rows[0]["records"]]
    return rows[0]["review"], records


def get_review(
    store: GraphStore, review_id: str, *, settings: Settings, division: str | None = None, school: str | None = None
) -> dict[str, Any]:
    """The item ``review_id`` (in scope), its two records, the decisions on the pair and
    the explanation (``explanation`` None with ``explanation_error`` when the last run's
    workspace cannot be read, e.g. while a run is rebuilding it)."""
    review, records = review_item(store, review_id, division=division, school=school)
    pair = store.query("decisions/of_pair", fingerprint_a=review["fingerprint_a"], fingerprint_b=review["fingerprint_b"])
    out: dict[str, Any] = {
        "review": {k: v for k, v in review.items() if not k.startswith("fingerprint_")},
        "records": records,
        "decisions": decision_rows_from_graph(r["decision"] for r in pair),
        "explanation": None,
        "explanation_error": None,
    }
    from notoneless.linkage.explain import explain_last_run  # imports Splink: only when asked

    try:
        out["explanation"] = explain_last_run(settings, review["record_key_a"], review["record_key_b"])
    except LinkageError as exc:
        out["explanation_error"] = str(exc)
    return out
