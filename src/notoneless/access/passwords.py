"""Web passwords of users (the officer pages' sign-in): set, check, lock out.

A domain rule like the rest of ``access``: the CLI sets a password
(``notoneless users password NAME``), the web pages check one; neither re-implements it.

- Passwords are hashed with Argon2id (``argon2-cffi``, its default parameters); only
  the hash is stored, on the ``User`` node. A password has at least
  ``MIN_PASSWORD_LENGTH`` characters.
- After ``MAX_FAILED`` failed sign-ins in a row the account is locked for
  ``LOCK_MINUTES`` minutes; the lock is an audit event (``LOGIN_LOCKED``) with who and
  from where. While locked, even the right password is refused.
- A wrong name, a wrong password, a disabled user, a user without a web password and
  a locked account get the same answer (``WRONG``, code ``LOGIN_FAILED``), after the
  same Argon2 check, so the form does not tell which names exist or which are locked.
  The lockout is told to the audit log, not to the browser.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from notoneless.access import audit
from notoneless.access.users import Caller, Role
from notoneless.errors import AccessError
from notoneless.graph.store import GraphStore

MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
LOGIN_LOCKED = "login_locked"  # the audit event of a lockout

_hasher = PasswordHasher()
# Checked when the name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")

WRONG = (f"用户名或密码不正确（连续 {MAX_FAILED} 次失败的账户锁定 {LOCK_MINUTES} 分钟）：请核对后重试，"
         "仍无法登录请联系管理员重设密码。")


@dataclass(frozen=True)
class SignedIn:
    caller: Caller
    session_epoch: int


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(store: GraphStore, name: str, password: str, *, by: Caller | None = None) -> str:
    """Set ``name``'s web password (hashed); returns the user id. Raises AccessError."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccessError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。", code="PASSWORD_TOO_SHORT", field="password")
    actor = by.actor() if by else {"actor_id": None, "actor_role": None, "actor_division": None}
    rows = store.query("users/set_password", name=name.strip(), password_hash=hash_password(password),
                       at=datetime.now(UTC).isoformat(), change_id=f"UC-{uuid.uuid4().hex}",
                       made_by=by.name if by else None, **actor)
    if not rows:
        raise AccessError(f"没有用户「{name.strip()}」：先用 notoneless users add 新建。", code="USER_NOT_FOUND",
                          http_status=404)
    return rows[0]["user_id"]


def sign_in(store: GraphStore, name: str, password: str, *, source: str, now: datetime | None = None) -> SignedIn:
    """The user ``name`` if ``password`` is theirs and the account is not locked; else
    AccessError ``LOGIN_FAILED`` with ``WRONG``, whatever the cause (the fifth failure in a
    row locks the account, audited ``LOGIN_LOCKED``)."""
    now = now or datetime.now(UTC)
    rows = store.query("users/login", name=name.strip()) if name.strip() else []
    if not rows:
        _check(_DUMMY_HASH, password)
        raise AccessError(WRONG, code="LOGIN_FAILED", http_status=401)
    row = rows[0]
    if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
        _check(row["password_hash"] or _DUMMY_HASH, password)  # as long as any other refusal
        raise AccessError(WRONG, code="LOGIN_FAILED", http_status=401)
    ok = _check(row["password_hash"] or _DUMMY_HASH, password) and bool(row["password_hash"]) and not row["disabled"]
    if not ok:
        until = now + timedelta(minutes=LOCK_MINUTES)
        failed = store.query("users/login_failed", name=row["name"], max=MAX_FAILED, locked_until=until.isoformat())
        if failed and failed[0]["locked"]:
            audit.record_event(store, LOGIN_LOCKED, row["name"], row["role"], row["division"], [],
                               user_id=row["user_id"], source=source)
        raise AccessError(WRONG, code="LOGIN_FAILED", http_status=401)
    store.query("users/login_ok", name=row["name"], at=now.isoformat())
    return SignedIn(Caller(row["name"], Role(row["role"]), row["division"], row["user_id"]), int(row["session_epoch"]))


def session_user(store: GraphStore, user_id: str) -> SignedIn | None:
    """The user of a web session (None if deleted or disabled), with their session epoch."""
    rows = store.query("users/session", user_id=user_id)
    if not rows:
        return None
    r = rows[0]
    return SignedIn(Caller(r["name"], Role(r["role"]), r["division"], r["user_id"]), int(r["session_epoch"]))


def sign_out(store: GraphStore, user_id: str) -> None:
    """End every web session of the user (their sessions' epoch is now old)."""
    store.query("users/sign_out", user_id=user_id)


def _check(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
