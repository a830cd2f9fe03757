"""身份核查 in a real browser (Debian's chromium via Playwright), over a real run of the
hand-made bundle on the local Neo4j (its review item: 张伟 of 溆浦 and his namesake of 麻阳):

- the queue and one review are scoped like the API (another county's review is 404);
- the review page speaks plain Chinese (把握, a verdict per field, a bar), never the
  model's jargon (对数贝叶斯因子, 常见姓名调整, 先验, 匹配概率);
- a county officer cannot decide alone on a pair with another county's record;
- a decision made on the page changes the next run's entities.csv exactly as the same
  decision made with ``notoneless decisions add`` does (both from the same first run);
- the decision is withdrawn from the 儿童档案.
Screenshots at 1366×768 (reviews list and review page)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import password_of, shot, sign_in

from notoneless.access.passwords import set_password
from notoneless.access.users import Role, create_user
from notoneless.config import Settings
from notoneless.decisions import book
from notoneless.decisions.queue import list_reviews
from notoneless.run import run_bundle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "decisions"))

from decision_bundles import HANDMADE, entities
from run_helpers import forget_history

pytestmark = pytest.mark.graph

USERS = {
    "province": ("核查-省管理员", Role.PROVINCE, "43"),
    "county": ("核查-溆浦数据员", Role.COUNTY, "431224"),
    "other": ("核查-宝安数据员", Role.COUNTY, "440306"),
    "auditor": ("核查-审计", Role.AUDITOR, "43"),
}
JARGON = ("对数贝叶斯", "贝叶斯", "常见姓名调整", "姓名调整", "先验", "匹配概率", "阈值", "log")


def _first_run(graph_store, settings: Settings, out: Path) -> None:
    graph_store.clear()
    forget_history(settings)
    run_bundle(HANDMADE, out, settings)
    for key, (name, role, division) in USERS.items():
        create_user(graph_store, name, role, division, replace=True)
        set_password(graph_store, name, password_of(key))


@pytest.fixture(scope="module")
def web_settings(graph_settings: Settings) -> Settings:
    return graph_settings  # the review page explains over the run's own workspace


@pytest.fixture(scope="module")
def web_scene(graph_store, graph_settings, tmp_path_factory) -> Iterator[dict[str, str]]:
    _first_run(graph_store, graph_settings, tmp_path_factory.mktemp("run1"))
    yield {key: spec[0] for key, spec in USERS.items()}
    graph_store.clear()
    forget_history(graph_settings)


@pytest.fixture(scope="module")
def item(web_scene, graph_store) -> dict:
    total, items = list_reviews(graph_store, auto=True)  # queued or left to the threshold
    assert total >= 1
    return items[0]


def test_queue_scoped_and_saying_what_deciding_changes(page, web_scene, item) -> None:
    sign_in(page, "county", web_scene)
    page.get_by_role("link", name="身份核查").click()
    page.wait_for_url("**/app/reviews")
    # the queue: only items whose decision changes something; the others on the next view
    queued = page.locator("table.queue tbody tr").filter(has_text=item["review_id"])
    assert queued.count() == (1 if item["queued"] else 0)
    assert all(not c.startswith("决定后：不改变") for c in page.locator("table.queue .consequence").all_inner_texts())
    page.get_by_role("link", name="也看按阈值自动判定的").click()
    page.wait_for_url("**/app/reviews?auto=1")
    row = page.locator("table.queue tbody tr").filter(has_text=item["review_id"])
    assert row.count() == 1
    assert row.locator("td").last.inner_text() == ("待核" if item["queued"] else "按阈值自动判定")
    assert row.locator(".consequence").inner_text().startswith("决定")  # 决定后… / 决定为同一人后…
    assert "%" in row.inner_text()  # 同一人的把握, as a percentage
    shot(page, "08-身份核查")
    # another county: the queue is empty and the review does not exist
    other = page.context.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                             base_url=page.url.split("/app/")[0])
    try:
        pg = other.new_page()
        sign_in(pg, "other", web_scene)
        pg.goto("/app/reviews?auto=1")
        assert item["review_id"] not in pg.content() and "没有待核的身份冲突" in pg.content()
        r = pg.goto(f"/app/reviews/{item['review_id']}")
        assert r.status == 404 and "未找到" in pg.content()
        assert pg.goto("/app/reviews/not-an-id").status == 404
    finally:
        other.close()


def test_review_page_in_plain_words_and_county_cannot_decide_alone(page, web_scene, item) -> None:
    sign_in(page, "county", web_scene)
    page.goto(f"/app/reviews/{item['review_id']}")
    text = page.locator("main").inner_text()
    for word in JARGON:
        assert word not in text, word
    assert "系统结论：" in text and "把握" in text
    verdicts = page.locator("table.fields td.verdict").all_inner_texts()
    assert any(v.startswith(("身份证号", "两个有效", "纠错", "号码", "一方无身份证号")) for v in verdicts) or verdicts
    fields = page.locator("table.fields tbody th").all_inner_texts()
    assert {"身份证号", "姓名", "出生日期"} <= set(fields)
    assert page.locator("table.fields .bar i").count() == len(fields) - 1  # one bar per comparison
    # both records' persons, with their other records
    assert page.locator("h2", has_text="两人名下的其他记录").count() == 1
    shot(page, "09-身份核查-对照")
    page.screenshot(path=str(shot(page, "09-身份核查-对照").with_name("09-身份核查-对照-整页.png")), full_page=True)
    # the pair spans 溆浦 and 麻阳: a county officer sees it but cannot decide alone
    page.locator("#note-same").fill("县里核实")
    page.get_by_role("button", name="同一人", exact=True).click()
    assert "不在您的辖区内" in page.locator(".error").inner_text()
    assert page.locator("#note-same").input_value() == "县里核实"  # the note is kept


def test_jargon_gone_from_the_cli_explain_too(web_scene, item, graph_settings) -> None:
    from typer.testing import CliRunner

    from notoneless.cli import app
    from notoneless.config import get_settings

    env = {"NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port),
           "COLUMNS": "240"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["explain", item["record_key_a"], item["record_key_b"], "--by",
                                          web_scene["province"]], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    for word in JARGON:
        assert word not in result.output, word
    assert "起点" in result.output and "把握" in result.output and "结论：" in result.output


def _cli_decide(settings: Settings, a: str, b: str, by: str) -> None:
    from typer.testing import CliRunner

    from notoneless.cli import app
    from notoneless.config import get_settings

    env = {"NOTONELESS_WORKSPACE": str(settings.workspace), "NOTONELESS_GRAPH_PORT": str(settings.graph_port),
           "COLUMNS": "240"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["decisions", "add", a, b, "--verdict", "same", "--by", by, "--note", "命令行"],
                                    env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "下次运行时，这两条记录必定归为同一人" in result.output


def test_decided_on_the_page_as_the_cli_would_then_withdrawn(page, web_scene, item, graph_store, graph_settings,
                                                             tmp_path) -> None:
    a, b = item["record_key_a"], item["record_key_b"]
    sign_in(page, "province", web_scene)
    page.goto(f"/app/reviews/{item['review_id']}")
    page.locator("#note-same").fill("入户核实为同一儿童")
    page.get_by_role("button", name="同一人", exact=True).click()
    page.wait_for_url(f"**/app/reviews/{item['review_id']}?done=same")
    notice = page.locator(".notice").inner_text()
    assert "已记录：同一人" in notice and "下次运行时，这两条记录必定归为同一人" in notice
    (decision,) = [v.decision for v in book.list_decisions(graph_store)[1]]
    assert decision.verdict.value == "same" and decision.note == "入户核实为同一儿童"
    assert decision.decided_by == web_scene["province"]
    # decided: out of the queue
    page.goto("/app/reviews")
    assert item["review_id"] not in page.locator("table.queue").inner_text()

    run_bundle(HANDMADE, tmp_path / "page", graph_settings)
    by_page = (tmp_path / "page" / "entities.csv").read_bytes()
    merged = entities(tmp_path / "page")
    assert merged[a] == merged[b]  # the decision is honoured

    # withdrawn from the 儿童档案 of the merged child
    page.goto(f"/app/persons/{merged[a]}")
    row = page.locator(".decision-row").filter(has_text=decision.decision_id)
    row.locator("input[name=note]").fill("录入有误")
    row.get_by_role("button", name="撤回").click()
    page.wait_for_url(f"**/app/persons/{merged[a]}?withdrawn={decision.decision_id}*")
    assert "已撤回判定" in page.locator(".notice").inner_text()
    standings = {v.decision.decision_id: v.standing for v in book.list_decisions(graph_store)[1]}
    assert standings[decision.decision_id] == "已撤回"
    assert page.locator(".decision-row").filter(has_text=decision.decision_id).get_by_role("button").count() == 0

    # the same decision through the CLI, from the same first run: the same entities.csv, byte for byte
    _first_run(graph_store, graph_settings, tmp_path / "again")
    _cli_decide(graph_settings, a, b, web_scene["province"])
    run_bundle(HANDMADE, tmp_path / "cli", graph_settings)
    assert (tmp_path / "cli" / "entities.csv").read_bytes() == by_page
    assert by_page != (tmp_path / "again" / "entities.csv").read_bytes()  # and it did change something
