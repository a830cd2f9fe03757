"""The ledger follows decisions (pure planning): merged persons' cases meet with an event
on each; a split person's case follows the part whose records carry its finding."""

from __future__ import annotations

from datetime import date

from notoneless.cases.reconcile import ExistingCase, drafts_from_findings, plan, split_home
from notoneless.cases.states import Action, State
from notoneless.cases.types import CaseType

DAY = date(2025, 10, 20)


def row(pid: str) -> dict[str, str]:
    return {"person_id": pid, "姓名": pid, "户籍区划代码": "431222101203", "责任县": "431222"}


def case(cid: str, pid: str, state: State = State.VERIFYING, key: str | None = None) -> ExistingCase:
    return ExistingCase(cid, CaseType.DROPOUT, key or f"dropout|{pid}", state, 1, person_id=pid, opened_at=cid)


def run_plan(existing, pids, merges=None, homes=None):
    drafts, checked = drafts_from_findings({"unmatched_children": [row(p) for p in pids]}, opened_on=DAY,
                                           merges=merges or {})
    return plan(existing, drafts, checked, merges or {}, run_id="r3", today=DAY, homes=homes)


def test_split_home_prefers_the_part_with_the_finding_then_most_records() -> None:
    assert split_home({"P1": 3, "P9": 1}, "P1", lambda p: p == "P9") == "P9"
    assert split_home({"P1": 3, "P9": 1}, "P1", lambda p: True) == "P1"
    assert split_home({"P1": 2, "P9": 2}, "P9", lambda p: False) == "P9"  # a tie: stays
    assert split_home({}, "P1", lambda p: False) == "P1"


def test_merge_gives_an_event_to_the_case_that_stays_too() -> None:
    existing = [case("C1", "P1"), case("C2", "P2")]
    p = run_plan(existing, ["P1"], merges={"P2": "P1"})
    assert p.still_open == ["C1"] and p.resolved_by_data == ["C2"]
    assert [e.step.action for e in p.events["C1"]] == [Action.MERGE_PERSON]
    assert "C2" in p.events["C1"][0].step.note
    assert [e.step.action for e in p.events["C2"]] == [Action.MERGE_PERSON, Action.DATA_RESOLVED]


def test_split_moves_the_case_to_the_part_with_its_finding() -> None:
    p = run_plan([case("C1", "P1")], ["P9"], homes={"C1": {"P1": 2, "P9": 1}})
    assert not p.new and p.still_open == ["C1"] and p.reattached == ["C1"] and not p.resolved_by_data
    (ev,) = p.events["C1"]
    assert ev.step.action is Action.SPLIT_PERSON and ev.extra_updates["match_key"] == "dropout|P9"
    assert ev.step.details == {"old_person_id": "P1", "new_person_id": "P9"}
    assert p.rekey_first == {"C1": "dropout|P9#拆分C1"}  # out of the way before the keys are set


def test_unmerge_swaps_the_two_cases_back() -> None:
    # run 2 merged P2 into P1 (C2 parked as a duplicate); run 3 splits them again and P1
    # went to the part holding P2's records: each case follows the records it was opened about
    existing = [case("C1", "P1"), ExistingCase("C2", CaseType.DROPOUT, "dropout|P1#并入C1", State.DATA_RESOLVED, 3, person_id="P1",
                                                resume_state=State.VERIFYING, opened_at="C2")]
    p = run_plan(existing, ["P1", "P7"], homes={"C1": {"P7": 2}, "C2": {"P1": 3}})
    assert sorted(p.still_open) == ["C1", "C2"] and not p.new and sorted(p.reattached) == ["C1", "C2"]
    assert p.events["C1"][0].extra_updates["match_key"] == "dropout|P7"
    assert [e.step.action for e in p.events["C2"]] == [Action.SPLIT_PERSON, Action.DATA_REAPPEARED]
    assert p.events["C2"][0].extra_updates["match_key"] == "dropout|P1"
