"""The case step 指派联系人 of a 三包缺位 case makes the 三包 assignment itself, through the
service behind ``contacts assign`` (services/case_actions.py): the officer enters it once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notoneless.access.users import Role, create_user, find_user
from notoneless.cases.ledger_reads import case_events, get_case, list_cases
from notoneless.cli import app
from notoneless.config import get_settings
from notoneless.errors import CaseError, ContactNotFound
from notoneless.run import run_bundle
from notoneless.services.case_actions import act
from notoneless.trail import find_trail

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parents[1] / "fixtures" / "handmade_bundle"
SOUTH = "431224101202"  # 城南村 of 卢峰镇: 李娜 (hukou:5) is a target child without 包人 contact


def _gap_case(graph, kind: str, target: str):
    (case,) = [c for c in list_cases(graph, case_type="contact_gap")
               if c.finding.get("类型") == kind and c.finding.get("对象") == target]
    return case


def _assignments(graph, person_id: str) -> set[tuple[str, str, str, str]]:
    (trail,) = find_trail(graph, person_id)
    return {(a["action"], a["contact_id"], a["duty_type"], a["via"]) for a in trail["assignments"]}


def test_assign_step_makes_the_assignment(graph, graph_settings, tmp_path) -> None:
    run_bundle(HANDMADE, tmp_path / "out", graph_settings)
    with open(tmp_path / "out" / "entities.csv", encoding="utf-8") as f:
        li_na = next(r["person_id"] for r in csv.DictReader(f) if r["record_key"] == "hukou:5")
    create_user(graph, "卢峰镇专干", Role.TOWN, "431224101")
    create_user(graph, "低庄镇专干", Role.TOWN, "431224102")
    town = find_user(graph, "卢峰镇专干")

    case = _gap_case(graph, "包人缺位", li_na)
    assert ("assign", "LX001", "包人", "本人") not in _assignments(graph, li_na)
    after = act(graph, case.case_id, "指派联系人", by=town, details={"contact_id": "LX001"})
    assert after.state == "已指派"
    assert ("assign", "LX001", "包人", "本人") in _assignments(graph, li_na)

    # another town's officer cannot: the case is outside its scope, nothing is written
    other = find_user(graph, "低庄镇专干")
    village = _gap_case(graph, "包村缺位", SOUTH)
    with pytest.raises(CaseError) as err:
        act(graph, village.case_id, "指派联系人", by=other, details={"contact_id": "LX001"})
    assert err.value.code == "CASE_NOT_FOUND"
    # an unknown contact fails the whole step before the case moves
    with pytest.raises(ContactNotFound):
        act(graph, village.case_id, "指派联系人", by=town, details={"contact_id": "LX999"})
    assert get_case(graph, village.case_id).version == village.version

    # the CLI (cases act) goes through the same service
    env = {"NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port),
           "COLUMNS": "240"}
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["cases", "act", village.case_id, "指派联系人", "--detail", "联系人编号=LX001",
                                     "--by", "卢峰镇专干"], env=env)
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    assert get_case(graph, village.case_id).state == "已指派"
    assert ("assign", "LX001", "包村", f"村 {SOUTH}") in _assignments(graph, li_na)
    assert [e.action for e in case_events(graph, village.case_id)][-1] == "assign"
