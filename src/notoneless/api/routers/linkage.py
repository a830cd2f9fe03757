"""Why two records were (or were not) linked: ``linkage.explain.explain_pair`` over the
last run's workspace, for two records of persons in the caller's scope."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from notoneless.access import audit
from notoneless.api.audits import audit_read_sync
from notoneless.api.convert import masked
from notoneless.api.deps import AppSettings, CurrentCaller, Store
from notoneless.api.models import Explanation
from notoneless.errors import NotFound

router = APIRouter(prefix="/linkage", tags=["linkage"])

RecordKey = Annotated[str, Query(pattern=r"^[a-z]+:[0-9]+$", max_length=40, description="记录键 <系统>:<行号>，如 xueji:17")]


def _finite(x: float) -> float:
    return x if math.isfinite(x) else math.copysign(1e9, x)


@router.get("/explain", response_model=Explanation, summary="两条记录为何是（或不是）同一人：各比较项的判定与权重")
def explain(request: Request, store: Store, settings: AppSettings, caller: CurrentCaller, a: RecordKey,
            b: RecordKey) -> Explanation:
    rows = store.query("api/records/in_scope", record_keys=[a, b], **caller.scope())
    found = {r["record_key"] for r in rows}
    missing = [k for k in (a, b) if k not in found]
    if missing:
        raise NotFound(f"辖区内没有记录 {'、'.join(missing)}：记录键的格式是 <系统>:<行号>，例如 xueji:17。")
    from notoneless.linkage.explain import explain_last_run

    ex = explanation_out(explain_last_run(settings, a, b))
    audit_read_sync(request, caller, audit.PAIR_EXPLAIN, person_ids=sorted({p for p in (ex.person_a, ex.person_b) if p}),
                    target=f"{a} {b}")
    return ex


def explanation_out(ex: Any) -> Explanation:
    """A ``linkage.explain.Explanation`` as the API returns it (masked, finite weights)."""
    data = {
        "key_a": ex.key_a, "key_b": ex.key_b,
        "rows": [{**r.__dict__, "match_weight": _finite(r.match_weight), "strength": r.strength, "bar": r.bar}
                 for r in ex.rows],
        "match_weight": _finite(ex.match_weight), "match_probability": ex.match_probability,
        "person_a": ex.person_a, "person_b": ex.person_b, "same_person": ex.same_person,
        "decision": ex.decision, "summary": ex.summary, "notes": list(ex.notes),
    }
    return Explanation(**masked(data))
