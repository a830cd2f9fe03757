"""Who a caller is and what they may do and see: users (officers), roles and scope.

These are domain rules: the API, the web pages and the CLI all ask them here.

A user is a ``User`` node in the graph (name, role, division, the SHA-256 of their
bearer token; the token itself is shown once, by ``notoneless users add``, and never
stored). Roles (角色):

============  ==============  ===================================================
role          division        may
============  ==============  ===================================================
省级管理员    2-digit province  read and act in the province, reveal full numbers
县级数据员    6-digit county    read and act in the county, reveal full numbers
乡镇专干      9-digit town      read and act in the town
学校          学校标识码        read and act on its own students
只读审计      any division      read in the division, never act
============  ==============  ===================================================

Lifecycle: a token expires (``Settings.user_token_days``, default 90 days after it was
issued) and can be rotated (a new token, the old one refused at once); a user can be
disabled (their token refused at once), enabled again, or deleted (their past actions
keep their user id). Only a 省级管理员 manages users, within their province; each change
is an immutable ``UserChange`` with who made it. The API remembers a caller for at most
``Settings.api_caller_ttl_seconds`` (≤ 1 s), so a change reaches every server process
within a second.

Scope (辖区): a person is in scope when one of their source records is registered
under the caller's division (village/town/county codes), or — for county and wider
divisions — one of their student records is at a school of that county (so a
cross-county student is visible to both the school county and the registration
county); for role 学校, when one of their student records is at that school. The
named queries take the scope as two parameters, ``$division`` (a code prefix) and
``$school`` (a 学校标识码), exactly one of them non-null (:meth:`Caller.scope`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from notoneless.errors import AccessError
from notoneless.graph.store import GraphStore

TOKEN_PREFIX = "nol_"
DEFAULT_TOKEN_DAYS = 90  # Settings.user_token_days


class Role(StrEnum):
    PROVINCE = "省级管理员"
    COUNTY = "县级数据员"
    TOWN = "乡镇专干"
    SCHOOL = "学校"
    AUDITOR = "只读审计"


# Division code lengths each role accepts (学校: a 学校标识码, checked separately).
_DIVISION_LENGTHS: dict[Role, tuple[int, ...]] = {
    Role.PROVINCE: (2,),
    Role.COUNTY: (6,),
    Role.TOWN: (9,),
    Role.AUDITOR: (2, 4, 6, 9, 12),
}
CAN_ACT = frozenset({Role.PROVINCE, Role.COUNTY, Role.TOWN, Role.SCHOOL})
# Who may see full ID and phone numbers (on a person's detail with ?reveal=true, and the
# contacts' phones on a town's 三包 roster; every such read audited).
CAN_REVEAL = frozenset({Role.PROVINCE, Role.COUNTY})
# Who may read the audit events (who saw full numbers) of their division.
AUDIT_READERS = frozenset({Role.PROVINCE, Role.COUNTY, Role.AUDITOR})


def parse_role(text: str) -> Role:
    value = text.strip()
    for role in Role:
        if value in (role.value, role.name.lower(), role.name):
            return role
    raise AccessError(
        f"角色「{text}」不存在。可用角色：{'、'.join(r.value for r in Role)}"
        f"（也可写 {', '.join(r.name.lower() for r in Role)}）。",
        code="ROLE_UNKNOWN",
    )


def check_division(role: Role, division: str) -> str:
    """The division code a user of ``role`` is bound to, checked (raises AccessError)."""
    code = division.strip()
    if role is Role.SCHOOL:
        if not re.fullmatch(r"[0-9A-Za-z]{4,20}", code):
            raise AccessError(f"学校用户的辖区应为学校标识码（如 3143000001），不是「{division}」。", code="DIVISION_INVALID")
        return code
    lengths = _DIVISION_LENGTHS[role]
    if not (code.isdigit() and len(code) in lengths):
        want = "、".join(f"{n} 位" for n in lengths)
        raise AccessError(
            f"{role.value}的辖区代码应为 {want}数字的行政区划代码，不是「{division}」。", code="DIVISION_INVALID"
        )
    return code


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_user_id() -> str:
    return "U-" + secrets.token_hex(6)


@dataclass(frozen=True)
class Caller:
    """A registered user acting now: the officer of one request, or the user a command
    acts as (``--by`` or ``NOTONELESS_USER``). Every write of an officer's work is made
    by one, and stores :meth:`actor` beside its name."""

    name: str
    role: Role
    division: str
    user_id: str = ""  # stable across re-issued tokens; "" only for a Caller made by hand in a test

    @property
    def can_act(self) -> bool:
        return self.role in CAN_ACT

    @property
    def can_reveal(self) -> bool:
        return self.role in CAN_REVEAL

    def scope(self) -> dict[str, str | None]:
        """The ``$division`` / ``$school`` parameters of the scoped named queries."""
        if self.role is Role.SCHOOL:
            return {"division": None, "school": self.division}
        return {"division": self.division, "school": None}

    def covers(self, code: str | None) -> bool:
        """Whether a division code (a case's county …) lies within this user's division."""
        return self.role is not Role.SCHOOL and bool(code) and str(code).startswith(self.division)

    def actor(self) -> dict[str, str]:
        """Who made a record, as every record of officers' work stores it (case events,
        identity decisions, 三包 actions): the user's id, role and division."""
        return {"actor_id": self.user_id or self.name, "actor_role": self.role.value, "actor_division": self.division}


def _change(by: Caller | None, at: datetime) -> dict[str, Any]:
    """Who made a change to a user, as the UserChange stores it."""
    actor = by.actor() if by else {"actor_id": None, "actor_role": None, "actor_division": None}
    return {"change_id": f"UC-{uuid.uuid4().hex}", "at": at.isoformat(), "made_by": by.name if by else None, **actor}


def check_user_admin(store: GraphStore, by: Caller, user: str | None = None, *, division: str | None = None) -> None:
    """``by`` may manage users (a 省级管理员), and ``user`` (name or id) or a user of ``division``
    is within their province; else AccessError (403), or NOT_FOUND (404) for a user out of scope."""
    if by.role is not Role.PROVINCE:
        raise AccessError(f"角色「{by.role.value}」不能管理用户：请联系省级管理员。", code="FORBIDDEN", http_status=403)
    if division is not None and not division.startswith(by.division):
        if not store.query("api/users/school_in", school_id=division, division=by.division):
            raise AccessError(f"辖区 {division} 不在您的辖区 {by.division} 内：只能为本省建用户。", code="DIVISION_INVALID",
                              field="division")
    if user is not None and not store.query("api/users/get", user=user, division=by.division):
        raise AccessError(f"辖区内没有用户「{user}」：用 notoneless users list（或 GET /users）查看。", code="USER_NOT_FOUND",
                          http_status=404)


def token_expiry(days: int, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(days=days)


def create_user(store: GraphStore, name: str, role: Role | str, division: str, *, replace: bool = False,
                by: Caller | None = None, token_days: int = DEFAULT_TOKEN_DAYS) -> str:
    """Create (or with ``replace`` re-issue) a user whose token expires in ``token_days``;
    returns the bearer token, which is not stored anywhere (only its SHA-256 is). ``by``:
    who makes the change (recorded; None only for the first user, made on the server)."""
    role = role if isinstance(role, Role) else parse_role(role)
    name = name.strip()
    if not name:
        raise AccessError("用户名不能为空。", code="USER_NAME_EMPTY")
    code = check_division(role, division)
    token = new_token()
    now = datetime.now(UTC)
    rows = store.query(
        "api/users/create",
        name=name,
        role=role.value,
        division=code,
        token_sha256=hash_token(token),
        user_id=new_user_id(),
        expires_at=token_expiry(token_days, now).isoformat(),
        replace=replace,
        **_change(by, now),
    )
    if not rows or not rows[0]["created"]:
        raise AccessError(
            f"用户「{name}」已存在：换一个名字，或加 --replace 为其重新签发令牌（旧令牌随即失效）。",
            code="USER_EXISTS",
        )
    return token


def list_users(store: GraphStore, division: str | None = None) -> list[dict[str, Any]]:
    """Every user (of ``division``, when given), with ``disabled`` and ``token_expires_at``."""
    return store.query("api/users/list", division=division)


def change_user(store: GraphStore, user: str, action: str, by: Caller) -> dict[str, Any]:
    """Disable, enable or delete ``user`` (name or user id) as ``by`` (a 省级管理员 of their
    province); recorded with who made it. A disabled user's token is refused at once."""
    if action not in ("disable", "enable", "delete"):
        raise AccessError(f"未知的用户操作「{action}」：应为 disable、enable 或 delete。", code="VALIDATION_ERROR",
                          field="action", http_status=422)
    check_user_admin(store, by, user.strip())
    if action != "enable" and user.strip() in (by.name, by.user_id):
        raise AccessError("不能停用或删除自己：请另一位省级管理员办理。", code="USER_SELF", http_status=409)
    rows = store.query("api/users/change", user=user.strip(), action=action, **_change(by, datetime.now(UTC)))
    return rows[0]


def rotate_token(store: GraphStore, user: str, by: Caller, *, token_days: int = DEFAULT_TOKEN_DAYS) -> tuple[str, str]:
    """A new token for ``user`` (name or user id), as ``by``: (token, expiry as ISO 8601).
    The old token is refused at once; the user id, role and division stay."""
    if user.strip() not in (by.name, by.user_id):  # anyone may rotate their own token
        check_user_admin(store, by, user.strip())
    token = new_token()
    now = datetime.now(UTC)
    rows = store.query("api/users/rotate", user=user.strip(), token_sha256=hash_token(token),
                       expires_at=token_expiry(token_days, now).isoformat(), **_change(by, now))
    if not rows:
        raise AccessError(f"没有用户「{user}」。", code="USER_NOT_FOUND", http_status=404)
    return token, rows[0]["token_expires_at"]


def _caller(row: dict[str, Any]) -> Caller | None:
    try:
        return Caller(row["name"], Role(row["role"]), row["division"], row["user_id"])
    except ValueError:
        return None


def authenticate(store: GraphStore, token: str) -> Caller | None:
    """The user holding ``token``, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    rows = store.query("api/users/by_token", token_sha256=hash_token(token))
    return _caller(rows[0]) if rows else None


def find_user(store: GraphStore, name: str | None) -> Caller:
    """The registered user named ``name``, as the one who acts (the CLI's ``--by``, or the
    configured local user ``NOTONELESS_USER``). A name that is no user is an AccessError
    that says how to see and add users."""
    wanted = (name or "").strip()
    if not wanted:
        raise AccessError(
            "请指明办理人：加 --by 用户名，或设置 NOTONELESS_USER=用户名（本机命令行默认以该用户办理）。"
            "用户用 notoneless users list 查看，notoneless users add 新建。",
            code="USER_MISSING", field="by",
        )
    rows = store.query("api/users/by_name", name=wanted)
    found = _caller(rows[0]) if rows else None
    if found is None:
        raise AccessError(
            f"没有名为「{wanted}」的用户：办理人须是已登记的用户（notoneless users list 查看，"
            "notoneless users add 新建）。",
            code="USER_UNKNOWN", field="by",
        )
    return found
