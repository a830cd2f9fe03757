"""The ledger's reads: cases and their events as stored in the graph (``CaseRecord``,
``CaseEventRecord``, Neo4j values made native) and the queries that fetch them —
one case, its events, the cases by county, state, type or overdue. The writes
(officers' actions, reconciliation after a run) are in ledger.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from notoneless.cases.machine import CaseView
from notoneless.cases.states import ACTION_LABELS, Action, State
from notoneless.cases.types import CASE_TYPES, CaseType
from notoneless.errors import CaseError
from notoneless.graph.store import GraphStore


def native(value: Any) -> Any:
    """Neo4j temporal values → Python ones (the driver's own types have ``to_native``)."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    return value


def native_map(m: Mapping[str, Any]) -> dict[str, Any]:
    return {k: native(v) for k, v in m.items()}


def days_left(deadline: date | str | None, state: str | None, today: date) -> int | None:
    """剩余天数: days from ``today`` to a case's deadline (negative: overdue); None once the
    case is 销号 or without a deadline. ``deadline`` as stored or as its ISO text."""
    if not deadline or state == State.CLOSED.value:
        return None
    if isinstance(deadline, str):
        deadline = date.fromisoformat(deadline[:10])
    return (deadline - today).days


@dataclass(frozen=True)
class CaseEventRecord:
    event_id: str
    case_id: str
    seq: int
    at: datetime
    by: str
    action: str
    from_state: str | None
    to_state: str
    reason_code: str | None = None
    evidence: tuple[str, ...] = ()
    note: str | None = None
    deadline: date | None = None
    details: dict[str, str] = field(default_factory=dict)
    run_id: str | None = None

    @property
    def action_label(self) -> str:
        try:
            return ACTION_LABELS[Action(self.action)]
        except ValueError:
            return self.action

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> CaseEventRecord:
        p = native_map(p)
        return cls(
            event_id=p["event_id"],
            case_id=p["case_id"],
            seq=int(p["seq"]),
            at=p["at"],
            by=p["by"],
            action=p["action"],
            from_state=p.get("from_state"),
            to_state=p["to_state"],
            reason_code=p.get("reason_code"),
            evidence=tuple(p.get("evidence") or ()),
            note=p.get("note"),
            deadline=p.get("deadline"),
            details=json.loads(p["details_json"]) if p.get("details_json") else {},
            run_id=p.get("run_id"),
        )


@dataclass(frozen=True)
class CaseRecord:
    """A case as stored (``props`` holds every property, natively typed)."""

    props: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.props[name]
        except KeyError:
            if name in _CASE_FIELDS:
                return None
            raise AttributeError(name) from None

    @property
    def type(self) -> CaseType:
        return CaseType(self.props["case_type"])

    @property
    def type_label(self) -> str:
        return CASE_TYPES[self.type].label

    @property
    def finding(self) -> dict[str, str]:
        return json.loads(self.props.get("finding_json") or "{}")

    def days_left(self, today: date) -> int | None:
        return days_left(self.props.get("deadline"), self.props.get("state"), today)

    def overdue(self, today: date) -> bool:
        deadline = self.props.get("deadline")
        return self.props.get("state") != State.CLOSED.value and deadline is not None and deadline < today

    def view(self) -> CaseView:
        p = self.props
        return CaseView(
            CaseType(p["case_type"]),
            State(p["state"]),
            p["case_id"],
            p.get("reason_code"),
            State(p["resume_state"]) if p.get("resume_state") else None,
            int(p.get("attempts") or 0),
            p.get("notice_deadline"),
            p.get("responsible_county"),
            p.get("transfer_from"),
        )


_CASE_FIELDS = {
    "case_id", "case_type", "match_key", "state", "version", "person_id", "subject", "title",
    "responsible_county", "responsible_town", "responsible_village", "responsible_school",
    "opened_run", "opened_at", "last_seen_run", "deadline", "reason_code", "resume_state",
    "attempts", "notice_deadline", "team", "closed_at", "updated_at", "finding_json", "name", "transfer_from",
}  # fmt: skip


def get_case(store: GraphStore, case_id: str) -> CaseRecord:
    rows = store.query("cases/get_case", case_id=case_id)
    if not rows:
        raise CaseError(f"案件 {case_id} 不存在：请用 notoneless cases list 查看案件编号。", code="CASE_NOT_FOUND")
    return CaseRecord(native_map(rows[0]["case"]))


def case_events(store: GraphStore, case_id: str) -> list[CaseEventRecord]:
    return [CaseEventRecord.from_props(r["event"]) for r in store.query("cases/case_events", case_id=case_id)]


def latest_change_run(store: GraphStore) -> str | None:
    """The latest run that reconciled the ledger (None before any run)."""
    latest = store.query("cases/latest_change_run")
    return latest[0]["run_id"] if latest else None


def case_changes(
    store: GraphStore, run_id: str | None = None, *, county: str | None = None, change: str | None = None
) -> tuple[str | None, list[dict[str, Any]]]:
    """The change feed of ``run_id`` (the latest run when None): per case, what the run did
    to it (``reconcile.CHANGE_LABELS``) and why; filtered by county and change kind.
    Returns the run id and the rows (none, with run id None, before any run)."""
    from notoneless.cases.reconcile import CHANGE_LABELS

    if change is not None and change not in CHANGE_LABELS:
        labels = "、".join(f"{k}（{v}）" for k, v in CHANGE_LABELS.items())
        raise CaseError(f"变化种类「{change}」不存在：应为 {labels} 之一。", code="CASE_CHANGE_UNKNOWN", field="change")
    if run_id is None:
        run_id = latest_change_run(store)
        if run_id is None:
            return None, []
    rows = store.query("cases/changes", run_id=run_id, county=county, change=change)
    return run_id, [{**r, "change_label": CHANGE_LABELS[r["change"]]} for r in rows]


def list_cases(
    store: GraphStore,
    *,
    county: str | None = None,
    state: str | None = None,
    case_type: CaseType | str | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[CaseRecord]:
    """Cases by responsible county, state, type, overdue (deadline passed, not 销号)."""
    if state is not None and state not in {s.value for s in State}:
        raise CaseError(f"状态「{state}」不存在。可用状态：{'、'.join(s.value for s in State)}", code="CASE_STATE_UNKNOWN")
    ct = None
    if case_type is not None:
        from notoneless.cases.types import parse_case_type

        ct = parse_case_type(str(case_type)).value
    rows = store.query(
        "cases/list_cases", county=county, state=state, case_type=ct, overdue=overdue, today=today or date.today()
    )
    return [CaseRecord(native_map(r["case"])) for r in rows]
