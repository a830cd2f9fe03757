"""Helpers of the browser tests (tests/web): the scene users' web passwords, signing in, screenshots."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "一个不能少-test-2025"  # every scene user's web password
VIEWPORT = {"width": 1366, "height": 768}


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
