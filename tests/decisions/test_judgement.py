"""Identity decisions as values (pure): ordering of a pair, the effective judgement,
withdrawals, where a decision stands, labelled pairs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notoneless.decisions.book import labelled_pairs
from notoneless.decisions.judgement import (
    DecisionError,
    PairRecord,
    Verdict,
    effective,
    new_decision,
    new_withdrawal,
    parse_verdict,
    standing,
)

T0 = datetime(2025, 10, 20, 8, 0, tzinfo=UTC)
A, B, C = PairRecord("hukou:5", "fp-b", "P1"), PairRecord("xueji:2", "fp-a", "P2"), PairRecord("minzheng:1", "fp-c", "P3")


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [("same", Verdict.SAME), ("SAME", Verdict.SAME), ("同一人", Verdict.SAME), ("different", Verdict.DIFFERENT),
     ("不同人", Verdict.DIFFERENT), ("defer", Verdict.DEFER), ("暂缓", Verdict.DEFER)],
)
def test_parse_verdict(text, verdict) -> None:
    assert parse_verdict(text) is verdict


@pytest.mark.parametrize("text", ["withdraw", "maybe", "", "撤回"])
def test_parse_verdict_refuses(text) -> None:
    with pytest.raises(DecisionError, match="same"):
        parse_verdict(text)


def test_pair_is_sorted_by_fingerprint_whichever_way_it_is_named() -> None:
    one = new_decision(Verdict.SAME, A, B, by="李科员", at=at(0))
    two = new_decision(Verdict.SAME, B, A, by=" 李科员 ", at=at(1))
    assert one.pair == two.pair == ("fp-a", "fp-b")
    assert (one.record_key_a, one.person_id_a, one.record_key_b) == ("xueji:2", "P2", "hukou:5")
    assert two.decided_by == "李科员" and one.decision_id != two.decision_id
    assert one.decision_id.startswith("D20251020T080000-")


@pytest.mark.parametrize(
    ("a", "b", "by", "code"),
    [(A, A, "x", "DECISION_SAME_RECORD"), (A, PairRecord("hukou:9", "fp-b"), "x", "DECISION_SAME_RECORD"),
     (A, B, "  ", "DECISION_BY_MISSING")],
)
def test_new_decision_refuses(a, b, by, code) -> None:
    with pytest.raises(DecisionError) as e:
        new_decision(Verdict.SAME, a, b, by=by)
    assert e.value.code == code


def test_effective_is_the_latest_not_withdrawn_and_defer_leaves_it_to_the_model() -> None:
    same = new_decision(Verdict.SAME, A, B, by="甲", at=at(0))
    different = new_decision(Verdict.DIFFERENT, A, B, by="乙", at=at(5))
    other = new_decision(Verdict.DIFFERENT, A, C, by="甲", at=at(1))
    assert effective([different, same, other]) == {("fp-a", "fp-b"): different, ("fp-b", "fp-c"): other}
    undo = new_withdrawal(different, by="乙", already=[same, different], at=at(6))
    assert undo.verdict is Verdict.WITHDRAW and undo.withdraws == different.decision_id and undo.pair == different.pair
    assert effective([same, different, undo])[("fp-a", "fp-b")] is same  # the earlier decision counts again
    defer = new_decision(Verdict.DEFER, A, B, by="丙", at=at(7))
    assert ("fp-a", "fp-b") not in effective([same, different, undo, defer])
    everything = [same, different, undo, defer, other]
    assert [standing(d, everything) for d in everything] == [
        "已被后来的判定取代", "已撤回", "撤回记录", "暂缓（由模型判定）", "有效"]
    with pytest.raises(DecisionError) as e:
        new_withdrawal(different, by="乙", already=everything)
    assert e.value.code == "DECISION_ALREADY_WITHDRAWN"
    with pytest.raises(DecisionError) as e:
        new_withdrawal(undo, by="乙", already=everything)
    assert e.value.code == "DECISION_NOT_WITHDRAWABLE"


def test_labelled_pairs_are_the_effective_binding_decisions() -> None:
    same = new_decision(Verdict.SAME, A, B, by="甲", at=at(0))
    other = new_decision(Verdict.DIFFERENT, A, C, by="甲", at=at(1))
    defer = new_decision(Verdict.DEFER, B, C, by="甲", at=at(2))
    rows = labelled_pairs([same, other, defer])
    assert [(r["fingerprint_a"], r["fingerprint_b"], r["label"]) for r in rows] == [("fp-a", "fp-b", 1), ("fp-b", "fp-c", 0)]


def test_no_query_changes_a_decision_node() -> None:
    """Decisions are immutable by construction: only decisions/create writes an
    IdentityDecision's properties (in the statement that creates it); nothing removes one."""
    import re
    from pathlib import Path

    queries = Path(__file__).resolve().parents[2] / "graph_schema" / "queries"
    writers = []
    for path in queries.rglob("*.cypher"):
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("//"))
        for var in set(re.findall(r"\((\w+):IdentityDecision\b", code)):
            if re.search(rf"\b(SET|REMOVE)\s+{var}\b|\bDELETE\s+{var}\b|\bMERGE\s*\({var}:", code):
                writers.append(path.relative_to(queries).as_posix())
    assert writers == ["decisions/create.cypher"]
    assert "CREATE (d:IdentityDecision)" in (queries / "decisions" / "create.cypher").read_text(encoding="utf-8")
