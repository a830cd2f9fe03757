"""Identity decisions in the graph: recorded once, never edited, withdrawn by another decision.

Queries under ``graph_schema/queries/decisions/``. A decision is an ``IdentityDecision``
node created by one statement (``decisions/create``) and never written again; how each
run honoured it is a separate ``HONOURED_IN`` relationship to that run's ``Run``
(``honour.py``). Recording a decision, in one write transaction:

1. look up the two records the officer named (record keys of the latest run) for their
   fingerprints, persons and divisions (refused if either is not in the graph);
2. create the decision node (``judgement.new_decision`` / ``new_withdrawal``);
3. create one ``AuditEvent`` per person concerned (their audit trail shows it);
4. mark the pair's review items with the pair's new effective verdict (decided items
   leave the queue; a withdrawal puts them back).

Callers check scope and role before (the API: ``api/routers/decisions.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from notoneless.access.users import Caller
from notoneless.decisions.judgement import (
    BINDING,
    Decision,
    PairRecord,
    Verdict,
    effective,
    new_decision,
    new_withdrawal,
    standing,
)
from notoneless.errors import DecisionError, GraphError
from notoneless.graph.store import GraphStore

# How a run honoured a decision (HONOURED_IN.status), in Chinese.
RUN_STATUS_LABELS = {
    "applied": "已执行",
    "vanished": "记录已不在本次数据中",
    "contradicted": "与其他判定矛盾，未能执行",
}


@dataclass(frozen=True)
class DecisionView:
    """A decision with where it stands and how the latest run that checked it honoured it."""

    decision: Decision
    standing: str
    run_status: str | None = None  # applied | vanished | contradicted; None: no run since
    run_id: str | None = None
    run_record_keys: tuple[str, ...] = ()
    run_person_ids: tuple[str, ...] = ()

    @property
    def run_status_label(self) -> str:
        if self.run_status is None:
            return "尚未运行" if self.standing in ("有效",) else ""
        return RUN_STATUS_LABELS.get(self.run_status, self.run_status)


def decide(
    store: GraphStore,
    key_a: str,
    key_b: str,
    verdict: Verdict,
    *,
    by: Caller,
    note: str | None = None,
) -> Decision:
    """Record a decision of the registered user ``by`` on the current records ``key_a``
    and ``key_b``; returns it. The decision stores ``by``'s name, role and :meth:`Caller.actor`.

    Raises ``DecisionError``: ``ROLE_CANNOT_ACT`` (a role that may only read),
    ``DECISION_RECORD_NOT_FOUND`` (a key not in the latest run, or outside ``by``'s division),
    ``DECISION_SAME_RECORD``, ``DECISION_BY_MISSING``, ``DECISION_VERDICT_UNKNOWN``.
    """
    _check_can_act(by)
    keys = [key_a.strip(), key_b.strip()]

    def work(tx: Any) -> Decision:
        found = {r["record_key"]: r for r in tx.run(store.cypher("decisions/records"), record_keys=keys).data()}
        in_scope = {r["record_key"] for r in tx.run(store.cypher("api/records/in_scope"), record_keys=keys,
                                                     **by.scope()).data()}
        missing = [k for k in keys if k not in found or k not in in_scope]
        if missing:
            raise DecisionError(
                f"图中没有记录 {'、'.join(missing)}（或不在您的辖区内）：记录键取自最近一次运行（<系统>:<行号>，如 xueji:17），"
                "请用 notoneless reviews list 或 trail 查看。",
                code="DECISION_RECORD_NOT_FOUND",
            )
        a, b = (PairRecord(k, found[k]["fingerprint"], found[k]["person_id"]) for k in keys)
        d = new_decision(verdict, a, b, by=by.name, note=note, role=by.role.value)
        divisions = sorted({found[k]["division_code"] for k in keys if found[k].get("division_code")})
        _write(tx, store, d, divisions, by)
        return d

    return store.execute_write(work)


def withdraw(
    store: GraphStore,
    decision_id: str,
    *,
    by: Caller,
    note: str | None = None,
) -> Decision:
    """Withdraw decision ``decision_id`` by recording a ``withdraw`` decision of the
    registered user ``by`` naming it.

    Raises ``DecisionError``: ``ROLE_CANNOT_ACT``, ``DECISION_NOT_FOUND`` (also outside
    ``by``'s division), ``DECISION_ALREADY_WITHDRAWN``, ``DECISION_NOT_WITHDRAWABLE``
    (a withdrawal itself)."""
    _check_can_act(by)

    def work(tx: Any) -> Decision:
        if not tx.run(store.cypher("api/decisions/in_scope"), decision_id=decision_id.strip(), **by.scope()).data():
            raise _not_found(decision_id)  # outside the division: the same answer as for none
        target = _get(tx, store, decision_id)
        pair = _pair_decisions(tx, store, target)
        w = new_withdrawal(target, by=by.name, note=note, role=by.role.value, already=pair)
        _write(tx, store, w, None, by)
        return w

    try:
        return store.execute_write(work)
    except GraphError as exc:  # two officers withdrawing at once: the unique constraint on `withdraws`
        if "ConstraintValidationFailed" in str(exc):
            raise DecisionError(f"判定 {decision_id} 已被撤回。", code="DECISION_ALREADY_WITHDRAWN") from exc
        raise


def _check_can_act(by: Caller) -> None:
    if not by.can_act:
        raise DecisionError(f"角色「{by.role.value}」只能查看，不能作出或撤回身份判定。", code="ROLE_CANNOT_ACT")


def _write(tx: Any, store: GraphStore, d: Decision, divisions: Sequence[str] | None, by: Caller) -> None:
    props = d.props() | by.actor()
    props["decided_at"] = d.decided_at.isoformat()
    if divisions:
        props["division_codes"] = list(divisions)
    tx.run(store.cypher("decisions/create"), props=props).consume()
    from notoneless.access.audit import event_params

    action = "identity_decision_withdraw" if d.verdict is Verdict.WITHDRAW else "identity_decision"
    for person in sorted({p for p in (d.person_id_a, d.person_id_b) if p}):  # one audit event per person concerned
        params = event_params(f"A-{uuid.uuid4().hex}", action, d.decided_by, d.role, by.division, person,
                              [k for k in (d.record_key_a, d.record_key_b) if k], d.decided_at, d.decision_id,
                              user_id=by.user_id or None)
        tx.run(store.cypher("api/audit/record"), events=[params]).consume()
    pair = _pair_decisions(tx, store, d)
    now = effective(pair).get((d.fingerprint_a, d.fingerprint_b))  # type: ignore[arg-type]
    tx.run(
        store.cypher("reviews/set_decided"),
        fingerprint_a=d.fingerprint_a, fingerprint_b=d.fingerprint_b, verdict=now.verdict.value if now else None,
    ).consume()  # fmt: skip


def _get(tx: Any, store: GraphStore, decision_id: str) -> Decision:
    rows = tx.run(store.cypher("decisions/get"), decision_id=decision_id.strip()).data()
    if not rows:
        raise _not_found(decision_id)
    return Decision.from_props(rows[0]["decision"])


def _not_found(decision_id: str) -> DecisionError:
    return DecisionError(
        f"判定 {decision_id.strip()} 不存在或不在您的辖区内：请用 notoneless decisions list 查看判定编号。",
        code="DECISION_NOT_FOUND",
    )


def _pair_decisions(tx: Any, store: GraphStore, d: Decision) -> list[Decision]:
    rows = tx.run(store.cypher("decisions/of_pair"), fingerprint_a=d.fingerprint_a, fingerprint_b=d.fingerprint_b)
    return [Decision.from_props(r["decision"]) for r in rows.data()]


# --- reading -------------------------------------------------------------------------


def get_decision(store: GraphStore, decision_id: str) -> Decision:
    return store.execute_read(lambda tx: _get(tx, store, decision_id))


def all_decisions(store: GraphStore) -> list[Decision]:
    """Every decision, oldest first."""
    return sorted((Decision.from_props(r["decision"]) for r in store.query("decisions/all")), key=Decision.sort_key)


def effective_decisions(store: GraphStore) -> list[Decision]:
    """The decisions that bind clustering now: each pair's effective ``same`` / ``different``."""
    return sorted(effective(all_decisions(store)).values(), key=Decision.sort_key)


def list_decisions(
    store: GraphStore, *, division: str | None = None, school: str | None = None, limit: int = 10_000, offset: int = 0
) -> tuple[int, list[DecisionView]]:
    """One page of decisions, newest first, with their standing and last run status;
    ``division``/``school``: only those about records in that scope."""
    rows = store.query("decisions/list", division=division, school=school, limit=limit, offset=offset)
    if not rows:
        return 0, []
    everything = all_decisions(store)
    views = []
    for r in rows:
        d = Decision.from_props(r["decision"])
        last = r.get("last") or {}
        views.append(
            DecisionView(
                decision=d,
                standing=standing(d, everything),
                run_status=last.get("status"),
                run_id=last.get("run_id"),
                run_record_keys=tuple(last.get("record_keys") or ()),
                run_person_ids=tuple(last.get("person_ids") or ()),
            )
        )
    return int(rows[0]["total"]), views


LABEL_COLUMNS = (
    "fingerprint_a", "fingerprint_b", "record_key_a", "record_key_b", "label", "verdict",
    "decision_id", "decided_by", "decided_at",
)  # fmt: skip


def labelled_pairs(decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    """The effective same/different decisions as labelled pairs (``label`` 1 = same person,
    0 = different), for measuring the model (``benchmarks/decision_labels.py``)."""
    rows = []
    for d in sorted(effective(decisions).values(), key=Decision.sort_key):
        assert d.verdict in BINDING
        rows.append(
            {
                "fingerprint_a": d.fingerprint_a, "fingerprint_b": d.fingerprint_b,
                "record_key_a": d.record_key_a, "record_key_b": d.record_key_b,
                "label": 1 if d.verdict is Verdict.SAME else 0, "verdict": d.verdict.value,
                "decision_id": d.decision_id, "decided_by": d.decided_by,
                "decided_at": d.decided_at.astimezone(UTC).isoformat(),
            }
        )  # fmt: skip
    return rows


def decision_rows(decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    """Decisions as plain rows (the trail, the API): every property, the verdict's label,
    the time as ISO text; fingerprints left out (internal keys, not for officers)."""
    rows = []
    for d in decisions:
        row = {k: v for k, v in d.props().items() if not k.startswith("fingerprint_")}
        row["decided_at"] = d.decided_at.isoformat()
        row["verdict_label"] = d.label
        rows.append(row)
    return rows


def decision_rows_from_graph(props: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``decision_rows`` of decision nodes as the graph returns them (``d {.*}``)."""
    return decision_rows(Decision.from_props(p) for p in props)
