"""三包 assignments made in the service, honoured on every run (real local Neo4j, the
hand-made bundle): bulk-assign a village → its children's gaps go on the next run; set
the contact 离岗 → they come back; a release dated before the bundle's reference date is
overridden by it; the trail lists the assignments; the CLI acts as a named officer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from run_helpers import gaps, person_of
from typer.testing import CliRunner

from notoneless.access.users import Role, create_user, find_user
from notoneless.cli import app
from notoneless.config import get_settings
from notoneless.contacts import actions
from notoneless.contacts.visits import DUE, OVERDUE, VISITED, visit_list
from notoneless.errors import (
    AccessError,
    ContactError,
    ContactForbidden,
    ContactNotFound,
)
from notoneless.run import run_bundle
from notoneless.trail import find_trail

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parents[1] / "fixtures" / "handmade_bundle"
SOUTH = "431224101202"  # 城南村 of 卢峰镇: target children hukou:5, 6, 18, 23; its 包村 contact LX002 is 离岗
QIAOJIANG = "431224102201"  # 桥江村 of 低庄镇: 包村 LX003; 刘洋 (hukou:10) has 包人 LX003



def cli(args: list[str], settings) -> object:
    env = {"NOTONELESS_WORKSPACE": str(settings.workspace), "NOTONELESS_GRAPH_PORT": str(settings.graph_port),
           "COLUMNS": "240"}
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()


def test_assign_in_bulk_then_off_duty_changes_the_gaps_on_the_next_runs(graph, graph_settings, tmp_path):
    first = run_bundle(HANDMADE, tmp_path / "out1", graph_settings)
    assert first.contact_service["applied"] == {"assign": 0, "release": 0, "status": 0}
    pid = person_of(tmp_path / "out1")
    li_na, li_qiang, sun_hao, zheng_ke, liu_yang = (pid[k] for k in ("hukou:5", "hukou:6", "hukou:18", "hukou:23",
                                                                     "hukou:10"))
    before = gaps(tmp_path / "out1")
    assert {("包人缺位", li_na, ""), ("包人缺位", sun_hao, ""), ("包村缺位", SOUTH, "")} <= before
    assert ("走访逾期", liu_yang, "LX003") in before

    create_user(graph, "卢峰镇专干", Role.TOWN, "431224101")
    create_user(graph, "溆浦县数据员", Role.COUNTY, "431224")
    town = find_user(graph, "卢峰镇专干")
    county = find_user(graph, "溆浦县数据员")

    # bulk 包人 for the village by the CLI, as the town officer; 包村 one by one
    r = cli(["contacts", "assign", "LX001", "--type", "包人", "--village", SOUTH, "--by", "卢峰镇专干",
             "--note", "整村包保"], graph_settings)
    assert r.exit_code == 0, r.output
    assert "4 个对象" in r.output
    actions.assign(graph, town, "LX001", "包村", targets=[SOUTH])
    # a release after the bundle's reference date wins; one dated before it is overridden by the bundle
    actions.release(graph, county, "LX003", "包人", targets=["G431224201105200759"])
    actions.release(graph, county, "LX003", "包村", targets=[QIAOJIANG], at=datetime(2025, 10, 1, 8, tzinfo=UTC))

    # the current graph shows the assignment at once: LX001's visit list has the four children
    visits = visit_list(graph, county, "LX001", "2025-10")
    children = {i["target"]: i["status"] for i in visits.items if i["duty_type"] == "包人"}
    assert children == {li_na: OVERDUE, li_qiang: OVERDUE, sun_hao: OVERDUE, zheng_ke: OVERDUE}

    second = run_bundle(HANDMADE, tmp_path / "out2", graph_settings)
    after = gaps(tmp_path / "out2")
    for child in (li_na, sun_hao):
        assert ("包人缺位", child, "") not in after
        assert ("走访逾期", child, "LX001") in after  # covered now, and not yet visited
    assert ("走访逾期", li_qiang, "LX001;LX009") in after
    assert ("包村缺位", SOUTH, "") not in after
    assert ("包人缺位", liu_yang, "") in after and ("走访逾期", liu_yang, "LX003") not in after
    assert ("包村缺位", QIAOJIANG, "") not in after  # the bundle (newer) still lists LX003 there
    assert second.contact_service == {"applied": {"assign": 5, "release": 1, "status": 0}, "overridden": 1,
                                      "unresolved": 0, "registered": 0}

    # every assignment is in the trail of the persons concerned
    trail = find_trail(graph, li_na)[0]
    mine = [(a["action"], a["contact_id"], a["duty_type"], a["made_by"], a["via"]) for a in trail["assignments"]]
    # each record stores who made it: the registered user's id, role and division
    actors = graph.execute_read(lambda tx: tx.run(
        "MATCH (a:ContactAssignment) RETURN DISTINCT a.made_by AS by, a.actor_id AS id, a.actor_role AS role, "
        "a.actor_division AS division ORDER BY by").data())
    assert actors == [{"by": "卢峰镇专干", "id": town.user_id, "role": "乡镇专干", "division": "431224101"},
                      {"by": "溆浦县数据员", "id": county.user_id, "role": "县级数据员", "division": "431224"}]
    assert ("assign", "LX001", "包人", "卢峰镇专干", "本人") in mine
    assert ("assign", "LX001", "包村", "卢峰镇专干", f"村 {SOUTH}") in mine
    r = cli(["trail", li_na, "--by", "溆浦县数据员"], graph_settings)
    assert r.exit_code == 0 and "三包指派记录" in r.output and "卢峰镇专干" in r.output
    # another county's officer: the same answer as for nobody (the CLI scopes like the API)
    create_user(graph, "鹤城区数据员", Role.COUNTY, "431202")
    other = cli(["trail", li_na, "--by", "鹤城区数据员"], graph_settings)
    nobody = cli(["trail", "P-NOBODY", "--by", "鹤城区数据员"], graph_settings)
    assert other.exit_code == nobody.exit_code != 0 and "三包指派记录" not in other.output
    assert str(other.exception).replace(li_na, "P-NOBODY") == str(nobody.exception)

    # LX001 goes 离岗: the gaps come back on the next run, and LX001's bundle duties become gaps too
    r = cli(["contacts", "status", "LX001", "离岗", "--by", "卢峰镇专干", "--note", "调离"], graph_settings)
    assert r.exit_code == 0, r.output
    third = run_bundle(HANDMADE, tmp_path / "out3", graph_settings)
    again = gaps(tmp_path / "out3")
    assert {("包人缺位", li_na, ""), ("包人缺位", sun_hao, ""), ("包村缺位", SOUTH, "")} <= again
    assert ("包村缺位", "431224101201", "") in again  # LX001's own 包村 in the bundle
    assert third.contact_service["applied"]["status"] == 1


def test_scoping_and_roles_of_the_actions(graph, graph_settings, tmp_path):
    run_bundle(HANDMADE, tmp_path / "out", graph_settings)
    create_user(graph, "低庄镇专干", Role.TOWN, "431224102")
    create_user(graph, "溆浦县审计", Role.AUDITOR, "431224")
    other_town = find_user(graph, "低庄镇专干")
    with pytest.raises(ContactNotFound) as err:
        actions.assign(graph, other_town, "LX001", "包人", village=SOUTH)
    # LX001 serves only the other town: the contact itself is out of scope (issue 20)
    assert err.value.http_status == 404 and err.value.field == "contact_id"
    with pytest.raises(ContactNotFound):
        actions.assign(graph, other_town, "LX001", "包人", targets=["43122420121111028x"])  # 李娜, 卢峰镇
    with pytest.raises(ContactForbidden):
        actions.assign(graph, find_user(graph, "溆浦县审计"), "LX001", "包人", village=SOUTH)
    with pytest.raises(AccessError, match="没有名为") as unknown:
        find_user(graph, "无此人")
    assert unknown.value.code == "USER_UNKNOWN" and unknown.value.field == "by"
    # the CLI says the same in one line, with a non-zero exit code
    r = cli(["contacts", "assign", "LX001", "--type", "包人", "--village", SOUTH, "--by", "低庄镇专干"], graph_settings)
    assert r.exit_code != 0
    # a registered contact can be assigned at once and shows in its visit list
    actions.register(graph, other_town, "LX100", "新老师", phone="13900000100", unit="低庄镇中心学校")
    with pytest.raises(ContactError, match="已存在"):
        actions.register(graph, other_town, "LX100", "重名")
    # a bare number names the household of either registry; a key names one
    result = actions.assign(graph, other_town, "LX100", "包户", targets=["1224000104", "fupin:4312241022010001"])
    assert result.targets == ["hukou:1224000104", "fupin:4312241022010001"]
    with pytest.raises(ContactNotFound):  # 郑可's household is in 卢峰镇
        actions.assign(graph, other_town, "LX100", "包户", targets=["4312241012020001"])
    listing = visit_list(graph, other_town, "LX100")
    assert listing.month == "2025-10" and {i["target"] for i in listing.items} == set(result.targets)
    assert {i["status"] for i in listing.items} <= {VISITED, DUE, OVERDUE}
    # the same from the CLI: the visit list, and the town roster as a workbook
    r = cli(["contacts", "visits", "LX100", "--by", "低庄镇专干"], graph_settings)
    assert r.exit_code == 0 and "走访清单" in r.output and "hukou:1224000104" in r.output, r.output
    r = cli(["contacts", "roster", "--town", "431224102", "--out", str(tmp_path / "roster.xlsx"), "--by", "低庄镇专干"],
            graph_settings)
    assert r.exit_code == 0, r.output
    book = load_workbook(tmp_path / "roster.xlsx")
    households = {row[0]: row for row in book["包户"].iter_rows(min_row=2, values_only=True)}
    assert households["hukou:1224000104"][3:6] == ("LX003 谭建；LX100 新老师", "在岗；在岗", "139****1003；139****0100")
    r = cli(["contacts", "roster", "--town", "431224101", "--out", str(tmp_path / "x.xlsx"), "--by", "低庄镇专干"],
            graph_settings)
    assert r.exit_code != 0 and not (tmp_path / "x.xlsx").exists()
