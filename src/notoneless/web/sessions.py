"""Sessions of the officer pages: a signed cookie, and the CSRF token of every form.

The cookie (``nol_session``) holds the user id, the user's session epoch at sign-in,
a CSRF token and the time of the last request, signed with HMAC-SHA256 under a key kept
in the workspace (``WorkspacePaths.web_session_key``, made at first use, mode 0600), so
every server process of ``notoneless serve`` accepts the others' cookies. It is
HttpOnly, SameSite=Strict, Path=/app, and Secure when the request came over HTTPS.

- Idle expiry: a request more than ``Settings.web_session_idle_minutes`` after the last
  one finds the session ended; every page view re-issues the cookie with a new time.
- Sign-out: the user's session epoch goes up (``access.passwords.sign_out``), which
  ends every session of theirs, in every browser, not only this cookie.
- CSRF: every form carries the session's token in a hidden field ``csrf``, and every
  POST is refused (403) unless it matches. The sign-in form, before any session, has
  its own token in a short-lived cookie (``nol_login``), compared the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "nol_session"
LOGIN_COOKIE = "nol_login"
COOKIE_PATH = "/app"


def load_key(path: Path) -> bytes:
    """The signing key at ``path``, made (32 random bytes, 0600) if there is none yet."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server process made it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        return path.read_bytes()


@dataclass(frozen=True)
class Session:
    user_id: str
    epoch: int
    csrf: str
    seen: float  # time.time() of the last request

    def touched(self, now: float) -> Session:
        return replace(self, seen=now)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    mac = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
    return f"{body}.{mac}"


def unsign(key: bytes, value: str | None) -> dict[str, Any] | None:
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    want = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
    if not hmac.compare_digest(mac, want):
        return None
    try:
        data = json.loads(_unb64(body))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def new_session(user_id: str, epoch: int, now: float | None = None) -> Session:
    return Session(user_id, epoch, secrets.token_urlsafe(24), now if now is not None else time.time())


def encode(key: bytes, session: Session) -> str:
    return sign(key, {"u": session.user_id, "e": session.epoch, "c": session.csrf, "t": session.seen})


def decode(key: bytes, value: str | None) -> Session | None:
    data = unsign(key, value)
    try:
        return Session(str(data["u"]), int(data["e"]), str(data["c"]), float(data["t"])) if data else None
    except (KeyError, TypeError, ValueError):
        return None


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="strict",
                        secure=secure(request))


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="strict", secure=secure(request))


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))
