"""The officer pages in a real browser (Debian's chromium via Playwright): sign-in, a wrong
password, lockout (audited), logout, idle expiry, CSRF refusal, the county officer's
journey 工作台 → 台账 (overdue dropout cases) → 案件 → 开始核实 → 排除 B2 with its evidence
→ 销号, the trail page (raw and cleaned values), out-of-scope 404, masking per role, an
evidence upload and its audited download. Screenshots at 1366×768 on the way."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from api_scene import ID
from web_helpers import P01_ID15, password_of, shot, sign_in

from notoneless.web import sessions

pytestmark = pytest.mark.graph

A_COUNTY = "county_a"


def _audit(graph_store, action: str, by: str | None = None, *, person_id: str | None = None,
           division: str = "43") -> list[dict]:
    """Audit events of `action`, waiting for the server's journal to move them to the graph.

    A read is journalled before it answers; the move to Neo4j follows within `api_audit_drain_seconds`
    (0.5 s), so the graph is polled for up to 15 s. An event that never arrives still fails the test."""
    deadline = time.monotonic() + 15
    while True:
        items = graph_store.query("api/audit/list", division=division, user=by, person_id=person_id, action=action,
                                  since=None, until=None, limit=100, offset=0)[0]["items"]
        if items or time.monotonic() > deadline:
            return items
        time.sleep(0.2)


def test_root_redirects_and_pages_need_a_session(site_url) -> None:
    with httpx.Client(base_url=site_url) as c:
        assert c.get("/").status_code == 303 and c.get("/").headers["location"] == "/app/"
        for path in ("/app/", "/app/cases", "/app/cases/KB-x", "/app/persons/P01"):
            r = c.get(path)
            assert r.status_code == 303 and r.headers["location"] == "/app/login", path
        login = c.get("/app/login")
        csp = login.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert login.headers["x-content-type-options"] == "nosniff"
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_sign_in_wrong_password_and_logout(page, web_scene) -> None:
    page.goto("/app/login")
    shot(page, "01-登录")
    page.get_by_label("用户名").fill(web_scene[A_COUNTY])
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.locator(".error").inner_text()
    page.get_by_label("密码").fill(password_of(A_COUNTY))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/app/")
    assert page.get_by_role("heading", name=re.compile("工作台")).is_visible()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/app/login")
    page.goto("/app/cases")
    assert page.url.endswith("/app/login")


def test_five_failures_lock_the_account_and_are_audited(page, web_scene, graph_store) -> None:
    name = web_scene["town_t2"]

    def attempt(user: str, password: str) -> tuple[int, str]:
        page.goto("/app/login")
        page.get_by_label("用户名").fill(user)
        page.get_by_label("密码").fill(password)
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="登录").click()
        return answer.value.status, page.locator(".error").inner_text()

    unknown = attempt("没有这个人", "wrong-password")
    failures = [attempt(name, "wrong-password") for _ in range(5)]  # the fifth locks
    locked = attempt(name, password_of("town_t2"))  # the right one: still refused while locked
    assert "/app/login" in page.url
    # an unknown name, a wrong password and a locked account look the same: nothing tells
    # which names exist or are locked (user enumeration)
    assert {unknown, *failures, locked} == {unknown}
    assert unknown[0] == 401 and "用户名或密码不正确" in unknown[1]
    assert [e["by"] for e in _audit(graph_store, "login_locked", name)] == [name]


def test_login_answers_are_the_same_page_for_unknown_wrong_and_locked(web_scene, site_url, graph_store) -> None:
    """The whole answer, not only its message: the same status and body but for the
    form's own token and the name typed."""
    name = web_scene["school_s2"]

    def answer(user: str, password: str) -> tuple[int, str]:
        with httpx.Client(base_url=site_url) as c:
            token = re.search(r'name="csrf" value="([^"]+)"', c.get("/app/login").text).group(1)
            r = c.post("/app/login", data={"username": user, "password": password, "csrf": token})
            return r.status_code, r.text.replace(token, "TOKEN").replace(user, "USER")

    unknown = answer("没有这个人", "wrong-password")
    wrong = [answer(name, "wrong-password") for _ in range(5)]
    locked = answer(name, password_of("school_s2"))
    assert unknown[0] == 401 and wrong == [unknown] * 5 and locked == unknown
    assert [e["by"] for e in _audit(graph_store, "login_locked", name, division="")] == [name]  # a school's user
    # what the message says to do: an administrator's new password ends the lock
    from notoneless.access.passwords import set_password

    set_password(graph_store, name, password_of("school_s2"))
    with _signed_in_client(site_url, name, password_of("school_s2")):
        pass


def test_an_idle_session_expires(page, web_scene, web_settings, browser) -> None:
    sign_in(page, "county_b", web_scene)
    cookie = next(c for c in page.context.cookies() if c["name"] == sessions.SESSION_COOKIE)
    key = sessions.load_key(web_settings.paths.web_session_key)
    session = sessions.decode(key, cookie["value"])
    idle = web_settings.web_session_idle_minutes * 60
    stale = sessions.encode(key, session.touched(time.time() - idle - 5))  # last seen just over the limit ago
    page.context.add_cookies([{**cookie, "value": stale}])
    page.goto("/app/cases")
    assert "/app/login" in page.url
    assert "登录已超时" in page.content()


def test_a_form_without_its_csrf_token_is_refused(page, web_scene, site_url) -> None:
    sign_in(page, "county_b", web_scene)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=site_url, cookies=cookies) as c:
        r = c.post("/app/logout", data={"csrf": "forged"})
        assert r.status_code == 403 and "安全令牌" in r.text
        r = c.post("/app/login", data={"username": web_scene[A_COUNTY], "password": password_of(A_COUNTY)})
        assert r.status_code == 403
    page.goto("/app/")  # still signed in: the forged logout did nothing
    assert page.url.endswith("/app/")


def _fill_required(form) -> None:
    for field in form.locator("input[required]:not([type=hidden]), textarea[required]").all():
        if field.get_attribute("type") == "date":
            field.fill("2026-12-31")
        elif not field.input_value():
            field.fill("核实记录 2025-118")


def test_county_officer_journey(page, web_scene, graph_store) -> None:
    sign_in(page, A_COUNTY, web_scene)
    page.wait_for_selector("#chart canvas")
    shot(page, "02-工作台")
    page.get_by_role("link", name="已逾期").click()
    page.get_by_label("类型").select_option(label="疑似失学辍学")
    page.wait_for_url(re.compile(r"case_type=dropout"))
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.cases tbody tr")
    assert rows.count() == 1 and "张伟" in rows.first.inner_text()
    assert ID["P01"] not in page.content() and ID["P01"][:4] + "**********" in page.content()  # masked
    shot(page, "03-台账")
    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/app/cases/KB-"))
    case_url = page.url
    page.get_by_text("开始核实").first.click()
    form = page.locator("#form-start_verification form")
    _fill_required(form)
    form.get_by_role("button", name="开始核实").click()
    page.wait_for_url(re.compile(r"done=start_verification"))
    assert page.locator(".state.big").inner_text() == "核实中"

    page.locator("#form-exclude summary").click()
    page.locator("#reason-exclude").select_option("B2")
    page.wait_for_selector("#form-exclude label:has-text('学籍所在省')")
    form = page.locator("#form-exclude form")
    assert form.get_by_label("学籍号").is_visible() and form.get_by_label("学校名称").is_visible()
    assert form.get_by_label("公安证明").count() == 0  # only the evidence B2 needs
    form.get_by_label("学籍号").fill("G" + ID["P01"])
    form.get_by_label("学籍所在省").fill("湖南省")
    form.get_by_label("学校名称").fill("鹤城小学")
    shot(page, "04-案件-排除B2")
    form.get_by_role("button", name="排除").click()
    page.wait_for_url(re.compile(r"done=exclude"))
    assert page.locator(".state.big").inner_text() == "排除"

    page.locator("#form-close summary").click()
    form = page.locator("#form-close form")
    _fill_required(form)
    form.get_by_role("button", name="销号").click()
    page.wait_for_url(re.compile(r"done=close"))
    assert page.locator(".state.big").inner_text() == "销号"
    history = page.locator("table.history tbody").inner_text()
    for step in ("开始核实", "排除", "B2 在校有学籍", "销号"):
        assert step in history, step
    shot(page, "05-案件")
    assert ID["P01"] not in page.content()
    # 重新打开 names the state it leads to, not the machine's placeholder (初始状态)
    assert page.locator("#form-reopen summary").inner_text().split() == ["重新打开", "→", "待核实"]

    # a stale version: a form from before the 销号 says 已被他人更新
    page.go_back()
    page.go_back()
    page.goto(case_url)
    assert _audit(graph_store, "case_read", web_scene[A_COUNTY])


def test_stale_version_says_updated_by_someone_else(page, web_scene, graph_store) -> None:
    sign_in(page, "county_b", web_scene)
    page.goto("/app/cases?case_type=dropout")
    page.locator("table.cases tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/app/cases/KB-"))
    case_id = page.url.rsplit("/", 1)[1].split("?")[0]
    from notoneless.access.users import find_user
    from notoneless.cases import ledger

    ledger.act(graph_store, case_id, "start_verification", by=find_user(graph_store, web_scene["county_b"]))
    page.get_by_text("开始核实").first.click()
    form = page.locator("#form-start_verification form")
    _fill_required(form)
    form.get_by_role("button", name="开始核实").click()
    assert "已被他人更新" in page.locator(".error").inner_text()


def test_trail_page_shows_raw_and_cleaned_values_and_is_audited(page, web_scene, graph_store) -> None:
    sign_in(page, A_COUNTY, web_scene)
    page.goto("/app/persons/P01")
    assert page.get_by_role("heading", name=re.compile("张伟")).is_visible()
    table = page.locator("table.records").inner_text()
    assert "户籍" in table and "建档立卡" in table and "原值" in page.content()
    # the dirty 扶贫 record (conftest.WEB_RECORDS): its raw values beside the cleaned ones, and what was repaired
    dirty = page.locator("table.records tbody tr", has_text="建档立卡").inner_text()
    assert "張偉" in dirty and "→ 张伟" in dirty, dirty
    assert "身份证号 15 位升 18 位" in dirty and "繁体→简体" in dirty, dirty
    assert ID["P01"] not in page.content() and P01_ID15 not in page.content()  # both masked
    assert ID["P01"][:6] in dirty and dirty.count("*") >= 16, dirty
    shot(page, "06-儿童档案")
    assert _audit(graph_store, "trail_read", web_scene[A_COUNTY], person_id="P01")


def test_out_of_scope_and_missing_are_the_same_404(page, web_scene) -> None:
    sign_in(page, "town_t1", web_scene)
    out_of_scope = page.goto("/app/persons/P04")  # 王芳, county B
    body_a = page.locator("main").inner_text()
    missing = page.goto("/app/persons/P999")
    body_b = page.locator("main").inner_text()
    assert out_of_scope.status == missing.status == 404
    assert body_a == body_b and "未找到" in body_a
    shot(page, "07-404")
    assert page.goto("/app/cases/KB-431221-nope").status == 404


def test_masking_per_role(page, web_scene) -> None:
    # no page shows a full ID number, whatever the role; the school sees only its students
    for key in ("province", "school_s1", "auditor_a"):
        sign_in(page, key, web_scene)
        page.goto("/app/cases")
        html = page.content()
        assert not any(v in html for v in ID.values()), key
        if key == "auditor_a":
            page.locator("table.cases tbody tr a").first.click()
            assert "您的角色只能查看" in page.content()
        page.get_by_role("button", name="退出").click()


def test_evidence_upload_and_audited_download(page, web_scene, graph_store, web_settings, site_url, tmp_path) -> None:
    sign_in(page, A_COUNTY, web_scene)
    page.goto("/app/cases")
    page.locator("table.cases tbody tr a").first.click()
    case_id = page.url.rsplit("/", 1)[1].split("?")[0]
    kept = web_settings.evidence_dir / case_id
    assert web_settings.evidence_dir != web_settings.paths.evidence  # the setting, not the workspace default
    pdf = tmp_path / "学籍证明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% evidence\n%%EOF\n")
    fake = tmp_path / "not-a-pdf.pdf"
    fake.write_bytes(b"MZ this is no pdf")
    page.get_by_label(re.compile("^文件")).set_input_files(str(fake))
    page.get_by_role("button", name="上传").click()
    assert "只能上传 PDF、JPG 或 PNG" in page.locator(".error").inner_text()

    # one byte over the limit: refused, naming the limit, and nothing kept
    limit = int(web_settings.web_evidence_max_mb * 1024 * 1024)
    big = tmp_path / "扫描件.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (limit + 1 - 9))
    page.get_by_label(re.compile("^文件")).set_input_files(str(big))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="上传").click()
    assert answer.value.status == 413
    assert f"文件超过上限 {web_settings.web_evidence_max_mb:g} MB" in page.locator(".error").inner_text()
    assert not kept.exists() or not any(kept.iterdir())

    page.get_by_label(re.compile("^文件")).set_input_files(str(pdf))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile("uploaded=1"))
    assert sorted(p.suffix for p in kept.iterdir()) == [".json", ".pdf"]  # in the configured store
    link = page.get_by_role("link", name="学籍证明.pdf")
    with page.expect_download() as got:
        link.click()
    assert Path(got.value.path()).read_bytes() == pdf.read_bytes()
    assert _audit(graph_store, "evidence_download", web_scene[A_COUNTY])

    # a body far over the limit is not read whole: its reading stops at the limit
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=site_url, cookies=cookies, timeout=60) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get(f"/app/cases/{case_id}").text).group(1)
        r = c.post(f"/app/cases/{case_id}/evidence", data={"csrf": token, "kind": "other"},
                   files={"file": ("大.pdf", b"%PDF-1.4\n" + b"0" * (3 * limit), "application/pdf")})
        assert r.status_code == 413 and "上限" in r.text
    assert sorted(p.suffix for p in kept.iterdir()) == [".json", ".pdf"]


@contextmanager
def _signed_in_client(site_url: str, name: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site_url) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/app/login").text).group(1)
        assert c.post("/app/login", data={"username": name, "password": password, "csrf": token}).status_code == 303
        yield c


@pytest.mark.parametrize("key", ["province", "county_a", "county_b", "town_t1", "school_s1", "school_s2", "auditor_a"])
def test_dashboard_change_counts_follow_each_roles_scope(key, web_scene, site_url, graph_store) -> None:
    """The latest run's change counts on the 工作台 are those of the cases the officer may
    see (as the API's GET /cases lists them), whatever the role, and each count's link
    lists as many cases on the 台账."""
    from api_scene import RUN_ID, USERS

    from notoneless.access.users import find_user

    caller = find_user(graph_store, web_scene[key])
    listed = graph_store.query(
        "api/cases/list", state=None, case_type=None, county=None, town=None, person_id=None, overdue=False,
        today="2025-10-20", run_id=RUN_ID, change=None, unowned=False, limit=1000, offset=0, **caller.scope())
    expected: dict[str, int] = {}
    for item in listed[0]["items"]:
        if item["change"]:
            expected[item["change"]] = expected.get(item["change"], 0) + 1
    with _signed_in_client(site_url, web_scene[key], password_of(key)) as c:
        html = c.get("/app/").text
        shown = {code: int(n) for code, n in re.findall(r'href="/app/cases\?change=(\w+)">[^<]+</a> <b>(\d+)</b>', html)}
        assert shown == expected, key
        for code, n in shown.items():
            assert f"共 {n} 件" in c.get("/app/cases", params={"change": code}).text, (key, code)
    # the scene's run opened 9 cases; each county sees its own and the cross-county child's
    # (P03, registered in B, at school S1: S1 sees that one); before, a town, a school or a
    # prefecture was shown all 9
    assert sum(shown.values()) == {"province": 9, "county_a": 5, "county_b": 5, "town_t1": 4, "town_t2": 1,
                                   "school_s1": 1, "school_s2": 0, "auditor_a": 5}[key], (key, USERS[key])
