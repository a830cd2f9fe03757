"""本月数据 in a real browser (docs/web.md): uploading a bundle, its run and its change feed.

A small generated bundle (one county, 鹤城区 431202, 200 children) is uploaded on the page
by the county's 县级数据员, over the real local Neo4j, in this module's own workspace:

- an upload with a missing column (and a missing file) is refused, every problem named,
  and nothing runs (no Run node, no upload kept);
- another county's officer may not upload it (the upload rule);
- while the workspace is busy, the upload is refused with the run lock's own message;
- a good upload (a zip) runs in the background to completion with its stages shown live,
  and the run's change feed lists exactly the cases the run opened;
- the next month's bundle (a folder), without the hukou rows of the unmatched children,
  resolves their cases by data, and the bulk 确认销号 on the run page closes them;
- another county sees neither the upload nor its download (404); the same county
  downloads the very bytes uploaded (SHA-256), and upload, run start and download are audited.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import password_of, serving, shot, sign_in

from notoneless.access.passwords import set_password
from notoneless.access.users import Role, create_user
from notoneless.config import Settings
from notoneless.graph.store import GraphStore
from notoneless.synth import WorldConfig, generate_bundle
from notoneless.workspace_lock import workspace_lock

pytestmark = pytest.mark.graph

COUNTY = "431202"  # the generated bundle's county (鹤城区)
USERS = {
    "county": ("鹤城区上传员", Role.COUNTY, COUNTY),
    "other": ("中方县上传员", Role.COUNTY, "431221"),
    "town": ("新湾乡专干", Role.TOWN, "431202201"),
}


@pytest.fixture(scope="module")
def runs_settings(graph_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return graph_settings.model_copy(update={"workspace": tmp_path_factory.mktemp("web-runs-workspace"),
                                             "web_upload_max_mb": 1.0})  # the bundle is ~100 KB


@pytest.fixture(scope="module")
def users(graph_store: GraphStore) -> Iterator[dict[str, str]]:
    graph_store.clear()  # a new ledger in this module's own workspace
    for key, (name, role, division) in USERS.items():
        create_user(graph_store, name, role, division)
        set_password(graph_store, name, password_of(key))
    yield {key: spec[0] for key, spec in USERS.items()}
    graph_store.clear()


@pytest.fixture(scope="module")
def site_url(graph_store: GraphStore, runs_settings: Settings, users: dict[str, str]) -> Iterator[str]:
    with serving(runs_settings, graph_store) as url:
        yield url


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    return generate_bundle(out, WorldConfig(counties=1, children_per_county=200, seed=11)).bundle_dir


def _rewrite_csv(path: Path, keep_row=lambda i, row: True, drop_column: str | None = None) -> None:
    """Rewrite a bundle CSV (UTF-8, GB18030 or with BOM) as UTF-8: rows kept by ``keep_row(n, row)``
    (n: the data row number, as record keys count), without ``drop_column``."""
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(text.splitlines()))
    header, body = rows[0], rows[1:]
    cut = header.index(drop_column) if drop_column else None
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for i, row in enumerate([header] + [r for n, r in enumerate(body, 1) if keep_row(n, r)]):
            w.writerow([c for j, c in enumerate(row) if j != cut])
        del i


def _uploads(settings: Settings) -> list[Path]:
    root = settings.paths.uploads
    return sorted(p for p in root.iterdir() if p.name.startswith("UP-")) if root.is_dir() else []


def _audit(store: GraphStore, action: str) -> list[dict]:
    deadline = time.monotonic() + 15
    while True:
        items = store.query("api/audit/list", division="43", user=None, person_id=None, action=action,
                            since=None, until=None, limit=100, offset=0)[0]["items"]
        if items or time.monotonic() > deadline:
            return items
        time.sleep(0.2)


def _wait_for_run(page, timeout_s: float = 240) -> set[str]:
    """Watch the upload page's live progress until the run ends; the states it showed."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = page.locator("#progress").get_attribute("data-state")
        seen.add(state)
        if state in ("done", "failed", "interrupted"):
            return seen
        time.sleep(0.3)
    raise AssertionError(f"the run did not end within {timeout_s} s; states seen: {seen}")


def test_an_upload_with_a_missing_column_is_refused_and_nothing_runs(page, users, bundle, runs_settings,
                                                                      graph_store, tmp_path) -> None:
    bad = tmp_path / "本月数据包"
    shutil.copytree(bundle, bad)
    _rewrite_csv(bad / "hukou.csv", drop_column="身份证号")
    (bad / "zizhu.csv").unlink()
    sign_in(page, "county", users)
    page.get_by_role("link", name="本月数据").click()
    page.wait_for_url("**/app/runs")
    page.set_input_files("#u-folder", str(bad))
    page.get_by_role("button", name="上传并检查").click()
    problems = page.locator("#upload-problems")
    problems.wait_for()
    text = problems.inner_text()
    assert "hukou.csv 缺少必需列「身份证号」" in text, text  # the column named
    assert "zizhu.csv" in text and "共 2 个问题" in text, text  # every problem at once
    assert "没有运行比对" in text
    shot(page, "本月数据-上传被拒")
    assert graph_store.query("runs/ids") == []  # nothing ran
    assert _uploads(runs_settings) == []  # and nothing was kept
    assert not list(runs_settings.paths.uploads.glob(".incoming-*"))
    assert _audit(graph_store, "bundle_upload")[0]["target"].startswith("拒收")


def test_another_countys_officer_may_not_upload_the_bundle(page, users, bundle, graph_store, runs_settings,
                                                          tmp_path) -> None:
    sign_in(page, "other", users)
    page.goto("/app/runs")
    page.set_input_files("#u-folder", str(bundle))
    page.get_by_role("button", name="上传并检查").click()
    text = page.locator("#upload-problems").inner_text()
    assert "行政区划（divisions）中没有本县" in text and "431221" in text, text
    assert "本省的其他县：鹤城区（431202）" in text, text
    assert graph_store.query("runs/ids") == [] and _uploads(runs_settings) == []


def test_an_upload_over_the_limit_is_refused_as_it_streams_in(page, users, runs_settings, graph_store,
                                                               site_url, tmp_path) -> None:
    import os

    import httpx

    big = tmp_path / "big.zip"
    big.write_bytes(os.urandom(int(1.5 * 2**20)))
    sign_in(page, "county", users)
    page.goto("/app/runs")
    page.set_input_files("#u-zip", str(big))
    page.get_by_role("button", name="上传并检查").click()  # the browser says its Content-Length
    assert "超过上限 1 MB" in page.locator("#upload-problems").inner_text()
    # a chunked upload (no Content-Length) is cut off once it passes the limit
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    boundary = "----nol-test"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"bundle_zip\"; filename=\"b.zip\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode()

    def body():
        yield head
        for _ in range(64):  # 4 MiB in 64 KiB chunks
            yield b"0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    r = httpx.post(f"{site_url}/app/uploads", content=body(), cookies=cookies,
                   headers={"content-type": f"multipart/form-data; boundary={boundary}"}, timeout=30)
    assert r.status_code == 413 and "超过上限 1 MB" in r.text
    assert graph_store.query("runs/ids") == [] and _uploads(runs_settings) == []
    assert not list(runs_settings.paths.uploads.glob(".incoming-*"))


def test_a_town_officer_sees_no_upload_form_and_cannot_post_one(page, users) -> None:
    sign_in(page, "town", users)
    page.goto("/app/runs")
    assert page.locator("#upload-form").count() == 0
    csrf = page.locator("form[action='/app/logout'] input[name=csrf]").get_attribute("value")
    r = page.request.post("/app/uploads", multipart={"csrf": csrf})
    assert r.status == 403 and "乡镇专干不能上传数据包" in r.text()


def test_while_the_workspace_is_busy_an_upload_is_refused_with_the_locks_message(page, users, bundle,
                                                                                  runs_settings, graph_store) -> None:
    sign_in(page, "county", users)
    page.goto("/app/runs")
    with workspace_lock(runs_settings.paths.root, "run", run_id="20251101T000000Z-busy00"):
        page.set_input_files("#u-folder", str(bundle))
        page.get_by_role("button", name="上传并检查").click()
        text = page.locator("#upload-problems").inner_text()
    assert "正在进行比对（运行编号 20251101T000000Z-busy00" in text, text
    assert "同一工作区一次只能运行一个比对" in text
    assert graph_store.query("runs/ids") == [] and _uploads(runs_settings) == []


def test_a_good_upload_runs_with_live_progress_and_the_feed_lists_its_cases(page, users, bundle, runs_settings,
                                                                            graph_store, tmp_path) -> None:
    archive = tmp_path / "鹤城区2025秋.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:  # a zipped folder, as Windows makes one
        for p in sorted(bundle.iterdir()):
            zf.write(p, f"鹤城区2025秋/{p.name}")
    sign_in(page, "county", users)
    page.goto("/app/runs")
    page.set_input_files("#u-zip", str(archive))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/app/uploads/UP-*")
    upload_id = page.url.rsplit("/", 1)[1]
    page.locator("#progress li.running, #progress[data-state=done]").first.wait_for(timeout=60_000)
    shot(page, "本月数据-比对进度")
    seen = _wait_for_run(page)
    assert page.locator("#progress").get_attribute("data-state") == "done", page.locator("#progress").inner_text()
    assert "running" in seen, seen  # the stages were shown while the run went on
    assert page.locator("#progress li.done").count() == 7
    assert page.locator("#progress progress").get_attribute("value") == "7"
    shot(page, "本月数据-上传的数据包")
    # the run's feed lists exactly the cases it opened, each linked to its case page
    run_id = graph_store.query("runs/ids")[0]["run_id"]
    opened = sorted(r["case_id"] for r in graph_store.query("cases/changes", run_id=run_id, county=COUNTY, change="new"))
    assert opened
    page.get_by_role("link", name="查看本次比对的案件变化").click()
    page.wait_for_url(f"**/app/runs/{run_id}")
    counts = page.locator("#change-counts").inner_text()
    assert f"新立案 {len(opened)}" in counts, counts
    listed = sorted(page.locator("#new table a[href^='/app/cases/']").all_inner_texts())
    assert listed == opened
    page.wait_for_function("document.querySelector('#trend canvas') !== null")
    shot(page, "本月数据-本次比对变化")
    page.locator(f"#new a[href='/app/cases/{opened[0]}']").click()
    page.wait_for_url(f"**/app/cases/{opened[0]}")
    assert upload_id in (runs_settings.paths.uploads / upload_id / "upload.json").read_text(encoding="utf-8")
    assert [e["target"] for e in _audit(graph_store, "run_start")] == [upload_id]
    assert any(e["target"].startswith(upload_id) for e in _audit(graph_store, "bundle_upload"))


def test_next_months_folder_resolves_cases_by_data_and_bulk_confirm_closes_them(page, users, bundle, runs_settings,
                                                                                 graph_store, tmp_path) -> None:
    first = _uploads(runs_settings)
    assert len(first) == 1, "the good upload's test runs first"
    out = first[0] / "out"
    gone = {r["person_id"] for r in csv.DictReader((out / "findings" / "unmatched_children.csv").read_text(encoding="utf-8-sig").splitlines())}
    assert gone
    rows = {int(r["record_key"].split(":")[1]) for r in csv.DictReader((out / "entities.csv").read_text(encoding="utf-8-sig").splitlines())
            if r["record_key"].startswith("hukou:") and r["person_id"] in gone}
    month2 = tmp_path / "鹤城区2025秋-2"
    shutil.copytree(bundle, month2)
    _rewrite_csv(month2 / "hukou.csv", keep_row=lambda n, _row: n not in rows)
    sign_in(page, "county", users)
    page.goto("/app/runs")
    page.set_input_files("#u-folder", str(month2))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/app/uploads/UP-*")
    assert _wait_for_run(page) and page.locator("#progress").get_attribute("data-state") == "done"
    run_id = page.locator("#progress").inner_text().split("运行编号 ")[1].split()[0]
    resolved = graph_store.query("cases/changes", run_id=run_id, county=COUNTY, change="resolved_by_data")
    assert resolved
    page.goto(f"/app/runs/{run_id}")
    listed = page.locator("#resolved_by_data table a[href^='/app/cases/']").all_inner_texts()
    assert sorted(listed) == sorted(r["case_id"] for r in resolved)
    page.goto("/app/runs")
    page.wait_for_function("document.querySelector('#trend canvas') !== null")
    assert page.locator("#runs tbody tr").count() == 2
    shot(page, "本月数据-比对记录")
    page.goto(f"/app/runs/{run_id}#resolved_by_data")
    page.get_by_role("button", name="确认销号：鹤城区（431202）本次数据已消除的案件").click()
    page.wait_for_url(f"**/app/runs/{run_id}?confirmed=*")
    assert f"已确认销号 {len(resolved)} 件" in page.locator(".notice").inner_text()
    states = {r["case_id"]: r["state"] for r in graph_store.query("cases/changes", run_id=run_id, county=COUNTY,
                                                                   change="resolved_by_data")}
    assert set(states.values()) == {"销号"}, states


def test_another_county_cannot_see_or_download_the_bundle(page, users, runs_settings, graph_store, tmp_path) -> None:
    kept = _uploads(runs_settings)
    assert kept, "the good upload's test runs first"
    upload_id = kept[0].name
    sign_in(page, "other", users)
    page.goto("/app/runs")
    assert upload_id not in page.content()
    for path in (f"/app/uploads/{upload_id}", f"/app/uploads/{upload_id}/bundle.zip",
                 f"/app/uploads/{upload_id}/progress"):
        r = page.request.get(path)
        assert r.status == 404, path
    assert _audit(graph_store, "bundle_download") == []
    page.get_by_role("button", name="退出").click()
    sign_in(page, "county", users)
    page.goto(f"/app/uploads/{upload_id}")
    with page.expect_download() as got:
        page.locator("#download").click()
    saved = tmp_path / "again.zip"
    got.value.save_as(saved)
    sha = hashlib.sha256(saved.read_bytes()).hexdigest()
    assert page.locator("dl.facts dd.mono").inner_text() == sha
    assert sha == hashlib.sha256((kept[0] / "bundle.zip").read_bytes()).hexdigest()
    assert zipfile.ZipFile(saved).namelist()  # the zip as uploaded
    assert _audit(graph_store, "bundle_download")[0]["target"] == f"{upload_id} SHA-256 {sha}"
