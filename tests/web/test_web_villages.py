"""The 三包 pages in a real browser, over a real run of the hand-made bundle (not the API
scene of the other web tests): the town → village tree, a village, a contact, the town
roster workbook. An assignment made on the village page closes the matching 三包缺位 gap
in the next run; a second 包人 is flagged before anything is saved; another county's
village and contact are the 404 page; the roster is masked, and the revealed one leaves
an audit event. Screenshots at 1366×768 on the way."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from run_helpers import forget_history, gaps, person_of
from web_helpers import password_of, shot, sign_in

from notoneless.access.passwords import set_password
from notoneless.access.users import Role, create_user
from notoneless.run import run_bundle

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parents[1] / "fixtures" / "handmade_bundle"
TOWN = "431224101"  # 卢峰镇 of 溆浦县
SOUTH = "431224101202"  # 城南村: 包村 LX002 is 离岗; target children hukou:5 (李娜), 6 (李强, 包人 LX009), 18, 23
OTHER_VILLAGE = "431226101201"  # 锦和村 of 麻阳苗族自治县: another county
OTHER_CONTACT = "LX004"  # 滕明, a contact of 麻阳
USERS = {
    "county": ("溆浦县三包数据员", Role.COUNTY, "431224"),
    "town": ("卢峰镇三包专干", Role.TOWN, TOWN),
    "other": ("麻阳县三包数据员", Role.COUNTY, "431226"),
}



def assignments(graph_store) -> list[dict]:
    return graph_store.execute_read(lambda tx: tx.run(
        "MATCH (a:ContactAssignment) RETURN a.contact_id AS contact, a.duty_type AS duty, a.target AS target, "
        "a.made_by AS by ORDER BY contact, duty, target").data())


@pytest.fixture(scope="module")
def first_run(graph_store, graph_settings, tmp_path_factory) -> Path:
    graph_store.clear()
    forget_history(graph_settings)
    out = tmp_path_factory.mktemp("villages-run-1")
    run_bundle(HANDMADE, out, graph_settings)
    return out


@pytest.fixture(scope="module")
def web_scene(graph_store, first_run):
    """Overrides conftest's scene: the hand-made bundle's run, and three officers with web passwords."""
    for key, (name, role, division) in USERS.items():
        create_user(graph_store, name, role, division, replace=True)
        set_password(graph_store, name, password_of(key))
    yield {key: spec[0] for key, spec in USERS.items()}
    graph_store.clear()


def test_an_assignment_on_the_page_closes_the_gap_in_the_next_run(page, web_scene, graph_store, graph_settings,
                                                                   first_run, tmp_path) -> None:
    ids = person_of(first_run)
    li_na, li_qiang, sun_hao = ids["hukou:5"], ids["hukou:6"], ids["hukou:18"]
    before = gaps(first_run)
    assert {("包人缺位", li_na, ""), ("包人缺位", sun_hao, ""), ("包村缺位", SOUTH, "")} <= before

    sign_in(page, "county", web_scene)
    page.get_by_role("link", name="三包", exact=True).click()
    page.wait_for_url("**/app/contacts")
    tree = page.locator("main").inner_text()
    assert "卢峰镇" in tree and "低庄镇" in tree and "城南村" in tree and "麻阳" not in tree
    south = page.locator("tr", has=page.get_by_role("link", name="城南村"))
    assert "舒文" in south.inner_text() and "离岗" in south.inner_text()  # its 包村 contact, off duty
    shot(page, "21-三包按村")

    south.get_by_role("link", name="城南村").click()
    page.wait_for_url(f"**/app/villages/{SOUTH}")
    text = page.locator("main").inner_text()
    assert "包村缺位" in text and "包人缺位" in text and "城南村" in text and SOUTH in text
    assert "1390745" not in page.content()  # phone numbers masked
    # the contacts to choose from arrive after the page: the county's, not another county's
    page.wait_for_selector("#contact-choices option[value='LX001']", state="attached")
    assert page.locator(f"#contact-choices option[value='{OTHER_CONTACT}']").count() == 0
    shot(page, "22-三包村")

    # bulk 包人 for the village: 李强 already has LX009 — the page asks before anything is saved
    page.get_by_label("联系人", exact=True).fill("LX001")
    page.get_by_label("包保类型").select_option("包人")
    page.get_by_role("radio", name=re.compile("整村")).check()
    page.get_by_role("button", name="保存指派").click()
    warning = page.get_by_role("alertdialog")
    assert "尚未保存" in warning.inner_text() and "LX009" in warning.inner_text() and "李强" in warning.inner_text()
    assert "李娜" not in warning.inner_text()  # she has no 包人: nothing to confirm about her
    assert assignments(graph_store) == []
    shot(page, "23-三包二次包人确认")
    page.get_by_role("button", name="仍然指派").click()
    page.wait_for_url(re.compile(r".*done=assign.*"))
    assert "已指派" in page.get_by_role("status").inner_text()
    made = assignments(graph_store)
    assert {a["target"] for a in made} == {li_na, li_qiang, sun_hao, ids["hukou:23"]}
    assert {(a["contact"], a["duty"], a["by"]) for a in made} == {("LX001", "包人", web_scene["county"])}

    # 包村 of the village: its 离岗 LX002 is replaced on the row (no second contact, no question)
    row = page.locator("section", has=page.get_by_role("heading", name=re.compile("包村联系人")))
    row.get_by_text("解除/更换").click()
    row.get_by_placeholder("联系人编号（留空为解除）").fill("LX001")
    row.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*done=replace.*"))
    assert "已更换" in page.get_by_role("status").inner_text()
    text = page.locator("main").inner_text()
    assert "包村缺位 0" in text  # at once, on the current graph

    second = run_bundle(HANDMADE, tmp_path / "out2", graph_settings)
    after = gaps(tmp_path / "out2")
    for child in (li_na, sun_hao):
        assert ("包人缺位", child, "") not in after
    assert ("包村缺位", SOUTH, "") not in after
    assert second.contact_service["applied"]["assign"] == 5 and second.contact_service["applied"]["release"] == 1


def test_another_countys_village_and_contact_are_the_404_page(page, web_scene, graph_store) -> None:
    sign_in(page, "county", web_scene)
    pages = {}
    for path in (f"/app/villages/{OTHER_VILLAGE}", "/app/villages/431224101299", "/app/villages/x",
                 f"/app/contacts/{OTHER_CONTACT}", "/app/contacts/LX-NOBODY"):
        r = page.goto(path)
        assert r.status == 404, path
        pages[path] = page.locator("main").inner_text()
    assert len(set(pages.values())) == 1  # indistinguishable
    assert "滕明" not in next(iter(pages.values()))
    # and the other county's contact cannot be assigned here: refused by the contacts service, nothing saved
    count = len(assignments(graph_store))
    page.goto(f"/app/villages/{SOUTH}")
    page.get_by_label("联系人", exact=True).fill(OTHER_CONTACT)
    page.get_by_label("包保类型").select_option("包人")
    page.get_by_role("button", name="保存指派").click()
    assert f"辖区内没有联系人 {OTHER_CONTACT}" in page.get_by_role("alert").inner_text()
    assert len(assignments(graph_store)) == count
    # the other county's own officer sees their village
    page.context.clear_cookies()
    sign_in(page, "other", web_scene)
    assert page.goto(f"/app/villages/{OTHER_VILLAGE}").status == 200
    assert "锦和村" in page.locator("h1").inner_text()


def test_a_contacts_page_lists_duties_and_visits_and_sets_the_status(page, web_scene) -> None:
    sign_in(page, "county", web_scene)
    page.goto("/app/contacts/LX003")
    text = page.locator("main").inner_text()
    assert "谭建" in text and "桥江村" in text  # 包村
    assert "刘洋" in text  # 包人, visited 2025-10-20 (after the reference date: not counted) and 2025-08-20
    assert "2025-08-20" in text and "2025-07-15" in text  # the visits made
    assert "139****1003" in text and "13907451003" not in page.content()
    shot(page, "24-三包联系人")
    page.get_by_label("在岗状态").select_option("离岗")
    page.get_by_label("备注").fill("调离")
    page.get_by_role("button", name="保存状态").click()
    page.wait_for_url(re.compile(r".*done=status.*"))
    assert "现为离岗" in page.get_by_role("status").inner_text()
    assert "离岗" in page.locator("h1").inner_text()


def test_the_roster_downloads_masked_and_the_revealed_one_is_audited(page, web_scene, graph_store, tmp_path) -> None:
    def reveals() -> list[dict]:
        return graph_store.query("api/audit/roster_reveals", division=TOWN, limit=50, offset=0)[0]["items"]

    sign_in(page, "town", web_scene)  # a town officer: masked only
    page.goto("/app/contacts")
    assert page.get_by_role("button", name=re.compile("完整号码")).count() == 0
    page.context.clear_cookies()
    sign_in(page, "county", web_scene)
    page.goto("/app/contacts")
    town = page.locator("details", has=page.get_by_text(TOWN, exact=True))
    with page.expect_download() as d:
        town.get_by_role("link", name=re.compile("下载三包花名册")).click()
    masked_file = tmp_path / d.value.suggested_filename
    d.value.save_as(masked_file)
    assert masked_file.name == f"三包花名册_{TOWN}.xlsx"
    villages = {r[0]: r for r in load_workbook(masked_file)["包村"].iter_rows(min_row=2, values_only=True)}
    assert villages["431224101201"][3] == "LX001 向红军" and villages["431224101201"][5] == "139****1001"
    assert reveals() == []

    with page.expect_download() as d:
        town.get_by_role("button", name=re.compile("完整号码")).click()
    full = tmp_path / "full.xlsx"
    d.value.save_as(full)
    villages = {r[0]: r for r in load_workbook(full)["包村"].iter_rows(min_row=2, values_only=True)}
    assert villages["431224101201"][5] == "13907451001"
    deadline = time.monotonic() + 15  # journalled before the file left; moved to the graph within 0.5 s
    while not (events := reveals()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [(e["action"], e["town"], e["by"], e["role"]) for e in events] == [
        ("roster_reveal", TOWN, web_scene["county"], "县级数据员")]
