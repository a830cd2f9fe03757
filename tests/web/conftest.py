"""The officer pages under test: the site (API + pages) over the real local Neo4j with the
API tests' small county scene (tests/api/api_scene.py), served by a real uvicorn server
on a free port in this process, and driven by Debian's chromium through Playwright
(never Playwright's own browser download). One server and one browser per module.

Screenshots go to test-artifacts/screenshots/ (gitignored; CI keeps the folder).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_scene import USERS, load_scene
from web_helpers import CHROMIUM, VIEWPORT, WEB_RECORDS, password_of, serving

from notoneless.access.passwords import set_password
from notoneless.config import Settings
from notoneless.graph.store import GraphStore


@pytest.fixture(scope="module")
def web_scene(graph_store: GraphStore) -> Iterator[dict[str, str]]:
    """The scene loaded (WEB_RECORDS), every user with a web password; yields user key → name."""
    load_scene(graph_store, WEB_RECORDS)
    for key, (name, _role, _division) in USERS.items():
        set_password(graph_store, name, password_of(key))
    yield {key: spec[0] for key, spec in USERS.items()}
    graph_store.clear()


@pytest.fixture(scope="module")
def web_settings(graph_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # evidence kept outside the workspace, as NOTONELESS_WEB_EVIDENCE_DIR allows
    return graph_settings.model_copy(update={"workspace": tmp_path_factory.mktemp("web-workspace"),
                                             "web_evidence_dir": tmp_path_factory.mktemp("evidence-store")})


@pytest.fixture(scope="module")
def site_url(graph_store: GraphStore, web_settings: Settings, web_scene: dict[str, str]) -> Iterator[str]:
    with serving(web_settings, graph_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=site_url, accept_downloads=True)
    errors: list[str] = []
    pg = context.new_page()
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    context.close()
    # a CSP violation ("Refused to …"), a missing asset's script error or any page error
    # breaks a page silently: none may happen. The 404/403 answers the tests ask for
    # on purpose are logged as "Failed to load resource" and are expected.
    unexpected = [e for e in errors if not e.startswith("Failed to load resource")]
    assert not unexpected, unexpected
