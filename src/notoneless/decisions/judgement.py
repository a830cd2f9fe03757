"""An identity decision (身份判定) as a value, and the effective judgement of a pair (pure).

After nomenklatura's judgements (``judgement.py``, ``resolver/edge.py``): a decision is an
attributed, immutable record — who decided, when, about which two records, with what
verdict and note. It is never edited: an officer who changes their mind adds another
decision (the latest counts) or withdraws one (verdict ``withdraw`` naming it).

Two records are named by their stable ``fingerprint`` (``person_records.fingerprint``:
source + natural key, not the row number), so a decision survives re-ordered rows and
new extracts; the record keys and person ids of the moment of deciding are kept for
the officer to read. The pair is stored sorted by fingerprint.

The effective judgement of a pair is its latest decision (by ``decided_at``, then
``decision_id``) that is not a withdrawal and was not withdrawn. ``same`` is a must-link
and ``different`` a cannot-link in clustering; ``defer`` — and no effective decision —
leave the pair to the model.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from notoneless.errors import DecisionError


class Verdict(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    DEFER = "defer"
    WITHDRAW = "withdraw"


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.SAME: "同一人",
    Verdict.DIFFERENT: "不同人",
    Verdict.DEFER: "暂缓（由模型判定）",
    Verdict.WITHDRAW: "撤回",
}
# What an officer may decide on a pair (a withdrawal names a decision, not a pair).
PAIR_VERDICTS = (Verdict.SAME, Verdict.DIFFERENT, Verdict.DEFER)
BINDING = frozenset({Verdict.SAME, Verdict.DIFFERENT})


def parse_verdict(text: str) -> Verdict:
    """``same``/``different``/``defer`` or their Chinese labels (同一人、不同人、暂缓)."""
    value = text.strip()
    for v in PAIR_VERDICTS:
        if value.lower() == v.value or value == VERDICT_LABELS[v] or VERDICT_LABELS[v].startswith(value or "\0"):
            return v
    raise DecisionError(
        f"判定「{text}」不存在：可用 same（同一人）、different（不同人）、defer（暂缓，由模型判定）。",
        code="DECISION_VERDICT_UNKNOWN",
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision node (``IdentityDecision``), as stored."""

    decision_id: str
    verdict: Verdict
    decided_by: str
    decided_at: datetime
    fingerprint_a: str | None = None
    fingerprint_b: str | None = None
    record_key_a: str | None = None
    record_key_b: str | None = None
    person_id_a: str | None = None
    person_id_b: str | None = None
    note: str | None = None
    withdraws: str | None = None
    role: str | None = None

    @property
    def pair(self) -> tuple[str, str] | None:
        if self.fingerprint_a is None or self.fingerprint_b is None:
            return None
        return (self.fingerprint_a, self.fingerprint_b)

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def sort_key(self) -> tuple[datetime, str]:
        return (self.decided_at, self.decision_id)

    def props(self) -> dict[str, Any]:
        """The node's properties (None left out: Neo4j stores no nulls)."""
        out = {
            "decision_id": self.decision_id, "verdict": self.verdict.value, "decided_by": self.decided_by,
            "decided_at": self.decided_at, "fingerprint_a": self.fingerprint_a, "fingerprint_b": self.fingerprint_b,
            "record_key_a": self.record_key_a, "record_key_b": self.record_key_b, "person_id_a": self.person_id_a,
            "person_id_b": self.person_id_b, "note": self.note, "withdraws": self.withdraws, "role": self.role,
        }  # fmt: skip
        return {k: v for k, v in out.items() if v is not None}

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> Decision:
        at = p["decided_at"]
        at = at.to_native() if hasattr(at, "to_native") else at
        return cls(
            decision_id=p["decision_id"], verdict=Verdict(p["verdict"]), decided_by=p["decided_by"], decided_at=at,
            fingerprint_a=p.get("fingerprint_a"), fingerprint_b=p.get("fingerprint_b"),
            record_key_a=p.get("record_key_a"), record_key_b=p.get("record_key_b"),
            person_id_a=p.get("person_id_a"), person_id_b=p.get("person_id_b"),
            note=p.get("note"), withdraws=p.get("withdraws"), role=p.get("role"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PairRecord:
    """One side of a pair as the officer named it: its record key now, its fingerprint, its person."""

    record_key: str
    fingerprint: str
    person_id: str | None = None


def new_decision(
    verdict: Verdict,
    a: PairRecord,
    b: PairRecord,
    *,
    by: str,
    note: str | None = None,
    role: str | None = None,
    at: datetime | None = None,
) -> Decision:
    """A new decision on records ``a`` and ``b`` (stored sorted by fingerprint)."""
    if verdict not in PAIR_VERDICTS:
        raise DecisionError("撤回请用 decisions withdraw（指明要撤回的判定编号）。", code="DECISION_VERDICT_UNKNOWN")
    by = by.strip()
    if not by:
        raise DecisionError("请写明判定人（--by 姓名）。", code="DECISION_BY_MISSING")
    if a.record_key == b.record_key:
        raise DecisionError(f"两条记录相同（{a.record_key}）：请给出两条不同的记录。", code="DECISION_SAME_RECORD")
    if a.fingerprint == b.fingerprint:
        raise DecisionError(
            f"{a.record_key} 与 {b.record_key} 是同一记录的重复行（内容完全相同），无需判定。",
            code="DECISION_SAME_RECORD",
        )
    first, second = (a, b) if a.fingerprint < b.fingerprint else (b, a)
    at = at or datetime.now(UTC)
    return Decision(
        decision_id=new_decision_id(at), verdict=verdict, decided_by=by, decided_at=at,
        fingerprint_a=first.fingerprint, fingerprint_b=second.fingerprint,
        record_key_a=first.record_key, record_key_b=second.record_key,
        person_id_a=first.person_id, person_id_b=second.person_id,
        note=(note or "").strip() or None, role=role,
    )  # fmt: skip


def new_withdrawal(target: Decision, *, by: str, note: str | None = None, role: str | None = None,
                   already: Iterable[Decision] = (), at: datetime | None = None) -> Decision:
    """A decision withdrawing ``target`` (``already``: the decisions stored, to refuse a second withdrawal)."""
    if target.verdict is Verdict.WITHDRAW:
        raise DecisionError(f"{target.decision_id} 本身是撤回记录，不能再撤回：请对该记录对重新判定。",
                            code="DECISION_NOT_WITHDRAWABLE")
    if any(d.withdraws == target.decision_id for d in already):
        raise DecisionError(f"判定 {target.decision_id} 已被撤回。", code="DECISION_ALREADY_WITHDRAWN")
    by = by.strip()
    if not by:
        raise DecisionError("请写明撤回人（--by 姓名）。", code="DECISION_BY_MISSING")
    at = at or datetime.now(UTC)
    return Decision(
        decision_id=new_decision_id(at), verdict=Verdict.WITHDRAW, decided_by=by, decided_at=at,
        fingerprint_a=target.fingerprint_a, fingerprint_b=target.fingerprint_b,
        record_key_a=target.record_key_a, record_key_b=target.record_key_b,
        person_id_a=target.person_id_a, person_id_b=target.person_id_b,
        note=(note or "").strip() or None, withdraws=target.decision_id, role=role,
    )  # fmt: skip


def new_decision_id(at: datetime) -> str:
    """Sortable and unique: ``D20251016T080000-1a2b3c4d``."""
    return "D" + at.astimezone(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def withdrawn_ids(decisions: Iterable[Decision]) -> set[str]:
    return {d.withdraws for d in decisions if d.verdict is Verdict.WITHDRAW and d.withdraws}


def latest_per_pair(decisions: Iterable[Decision]) -> dict[tuple[str, str], Decision]:
    """Each pair's latest decision that is not a withdrawal and not withdrawn (``defer`` included)."""
    decisions = list(decisions)
    gone = withdrawn_ids(decisions)
    latest: dict[tuple[str, str], Decision] = {}
    for d in decisions:
        if d.verdict is Verdict.WITHDRAW or d.decision_id in gone or d.pair is None:
            continue
        if d.pair not in latest or d.sort_key() > latest[d.pair].sort_key():
            latest[d.pair] = d
    return latest


def effective(decisions: Iterable[Decision]) -> dict[tuple[str, str], Decision]:
    """Each pair's effective judgement when it binds clustering (``same`` or ``different``)."""
    return {pair: d for pair, d in latest_per_pair(decisions).items() if d.verdict in BINDING}


def standing(d: Decision, decisions: Iterable[Decision]) -> str:
    """Where a decision stands now, in Chinese: 有效, 暂缓, 已撤回, 已被后来的判定取代, 撤回记录."""
    decisions = list(decisions)
    if d.verdict is Verdict.WITHDRAW:
        return "撤回记录"
    if d.decision_id in withdrawn_ids(decisions):
        return "已撤回"
    latest = latest_per_pair(decisions).get(d.pair) if d.pair else None
    if latest is not None and latest.decision_id != d.decision_id:
        return "已被后来的判定取代"
    return "暂缓（由模型判定）" if d.verdict is Verdict.DEFER else "有效"
