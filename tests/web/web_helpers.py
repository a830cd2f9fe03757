"""Helpers of the browser tests (tests/web): the scene users' web passwords, signing in, screenshots."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api_scene import ID, RECORDS

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "一个不能少-test-2025"  # every scene user's web password
VIEWPORT = {"width": 1366, "height": 768}

# The scene with one dirty record, as the bundles bring them: P01's 扶贫 record has his
# name in traditional characters with a stray space and his ID number in the old 15-digit
# form; the load's cleaned values are 张伟 and the 18-digit number (身份证号 15 位升 18 位).
P01_ID15 = ID["P01"][:6] + ID["P01"][8:17]
WEB_RECORDS = [{**r, "name": "張偉 ", "name_norm": "张伟", "id": P01_ID15, "id_norm": ID["P01"], "id_issue": "len15"}
               if (r["source"], r["person_id"]) == ("fupin", "P01") else r for r in RECORDS]


def password_of(key: str) -> str:
    return PASSWORD + key


def sign_in(page, key: str, users: dict[str, str]) -> None:
    page.goto("/app/login")
    page.get_by_label("用户名").fill(users[key])
    page.get_by_label("密码").fill(password_of(key))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/app/")


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    return out


@contextmanager
def serving(settings, store) -> Iterator[str]:
    """The officer site (``create_site``) served by uvicorn in a thread on a free port: its URL."""
    import uvicorn

    from notoneless.graph import server as graph_server
    from notoneless.web.app import create_site

    port = graph_server.free_port()
    config = uvicorn.Config(create_site(settings, store=store), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
