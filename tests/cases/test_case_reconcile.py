"""Reconciliation planning (pure): which cases are new, still open, resolved by data, reopened."""

from __future__ import annotations

from datetime import date

import pytest

from notoneless.cases.reconcile import ExistingCase, drafts_from_findings, plan, resolve_person
from notoneless.cases.states import Action, State
from notoneless.cases.types import CaseType

DAY = date(2025, 10, 20)


@pytest.mark.parametrize(
    ("merges", "pid", "survivor"),
    [({}, "A", "A"), ({"A": "B"}, "A", "B"), ({"A": "B", "B": "C"}, "A", "C"), ({"A": "B", "B": "A"}, "A", "B")],
)
def test_resolve_person(merges, pid, survivor) -> None:
    assert resolve_person(pid, merges) == survivor


def row(pid: str) -> dict[str, str]:
    return {"person_id": pid, "姓名": pid, "户籍区划代码": "431222101203", "责任县": "431222"}


def case(cid: str, pid: str, state: State, version: int = 1, **kw) -> ExistingCase:
    return ExistingCase(cid, CaseType.DROPOUT, f"dropout|{pid}", state, version, person_id=pid, opened_at=cid, **kw)


def run_plan(existing, rows, merges=None, kinds=("unmatched_children",)):
    findings = {k: (rows if k == "unmatched_children" else []) for k in kinds}
    drafts, checked = drafts_from_findings(findings, opened_on=DAY, merges=merges or {})
    return plan(existing, drafts, checked, merges or {}, run_id="r2", today=DAY)


def test_outcomes() -> None:
    existing = [
        case("C1", "P1", State.PERSUADING, resume_state=None),
        case("C2", "P2", State.VERIFYING),
        case("C3", "P3", State.CLOSED),
        case("C4", "P4", State.DATA_RESOLVED, resume_state=State.CONFIRMED_DROPOUT),
        case("C5", "P5", State.DATA_RESOLVED, resume_state=State.VERIFYING),
        case("C6", "P6", State.CLOSED),
    ]
    p = run_plan(existing, [row("P1"), row("P3"), row("P4"), row("P7"), row("P7")])
    assert [d.subject for d in p.new] == ["P7"]  # a repeated row is one case
    assert sorted(p.still_open) == ["C1", "C4"]
    assert p.reopened == ["C3"] and p.resolved_by_data == ["C2"]
    assert p.events["C4"][0].step.to_state is State.CONFIRMED_DROPOUT
    assert p.events["C3"][0].step.action is Action.REOPEN
    assert "C5" not in p.events and "C6" not in p.events  # parked and closed cases stay as they are


def test_unchecked_kind_leaves_cases_alone() -> None:
    existing = [case("C1", "P1", State.VERIFYING)]
    assert run_plan(existing, [], kinds=("missed_subsidies",)).events == {}
    assert run_plan(existing, [], kinds=("unmatched_children",)).resolved_by_data == ["C1"]


def test_merge_follows_the_person() -> None:
    p = run_plan([case("C1", "P1", State.PERSUADING)], [row("P9")], merges={"P1": "P9"})
    assert not p.new and p.still_open == ["C1"] and p.merged == ["C1"]
    ev = p.events["C1"][0]
    assert ev.step.action is Action.MERGE_PERSON and ev.extra_updates["match_key"] == "dropout|P9"


def test_finding_under_an_old_id_follows_the_merge() -> None:
    p = run_plan([case("C1", "P9", State.VERIFYING)], [row("P1")], merges={"P1": "P9"})
    assert not p.new and p.still_open == ["C1"] and not p.merged


def test_merged_duplicates_keep_the_open_one() -> None:
    existing = [case("C1", "P1", State.CLOSED), case("C2", "P2", State.PERSUADING)]
    p = run_plan(existing, [row("P2")], merges={"P1": "P2"})
    assert p.still_open == ["C2"] and not p.reopened and not p.new
    assert p.rekey_first == {"C1": "dropout|P2#并入C2"}
    assert [e.step.action for e in p.events["C1"]] == [Action.MERGE_PERSON]  # closed: stays closed


def test_merged_duplicates_both_open_park_the_younger() -> None:
    existing = [case("C1", "P1", State.VERIFYING), case("C2", "P2", State.PERSUADING)]
    p = run_plan(existing, [row("P2")], merges={"P1": "P2"})
    assert p.still_open == ["C1"] and p.resolved_by_data == ["C2"]
    assert [e.step.action for e in p.events["C2"]] == [Action.MERGE_PERSON, Action.DATA_RESOLVED]
    assert p.events["C1"][0].extra_updates["match_key"] == "dropout|P2"


def test_done_cases_are_not_parked_when_their_finding_goes() -> None:
    existing = [case("C1", "P1", State.EXCLUDED), case("C2", "P2", State.RETURNED), case("C3", "P3", State.PERSUADING)]
    p = run_plan(existing, [])
    assert p.resolved_by_data == ["C3"] and set(p.events) == {"C3"}
