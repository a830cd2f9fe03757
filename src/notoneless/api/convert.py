"""Graph values → JSON values, and masking applied to what a route returns."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from notoneless.access.masking import mask
from notoneless.access.users import Caller


def plain(value: Any) -> Any:
    """Neo4j temporal values → ISO strings, recursively; non-finite floats → None."""
    if value is None or isinstance(value, (str, int)):  # most values: checked first (the API's hot path)
        return value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return plain_leaf(value)


def plain_leaf(value: Any) -> Any:
    """One value that is not a dict or a list, as JSON can hold it."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def masked(data: Any) -> Any:
    """``data`` made plain and with every ID and phone number masked (one walk)."""
    return mask(data, leaf=plain_leaf)[0]


def finding_out(f: dict[str, Any]) -> dict[str, Any]:
    """A Finding node's map (``columns``/``values`` lists) as the API shows it (``row``)."""
    out = {k: v for k, v in f.items() if k not in ("columns", "values") and v is not None}
    out["row"] = {str(c): "" if v is None else str(v) for c, v in zip(f.get("columns") or [], f.get("values") or [], strict=False)}
    return out


def case_out(c: dict[str, Any], today: date) -> dict[str, Any]:
    """A case map as the API shows it (``CaseSummary``): masked, with its 剩余天数 and the
    label of its change in the run asked about."""
    from notoneless.cases.ledger_reads import days_left
    from notoneless.cases.reconcile import CHANGE_LABELS

    out = masked(c)
    out["days_left"] = days_left(out.get("deadline"), out.get("state"), today)
    if out.get("change"):
        out["change_label"] = CHANGE_LABELS.get(out["change"])
    return out


def run_out(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in r.items() if k != "summary_json" and v is not None}
    try:
        summary = json.loads(r["summary_json"]) if r.get("summary_json") else None
    except ValueError:
        summary = None
    out["summary"] = summary if isinstance(summary, dict) else None
    return out


def scope_params(caller: Caller) -> dict[str, Any]:
    return caller.scope()
