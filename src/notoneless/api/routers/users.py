"""Users (officers) and their tokens, managed by a 省级管理员 within their province
(``access.users``): list, create, disable, enable, delete, rotate a token. Each change is
recorded with who made it; a disabled user's or a rotated token is refused at once by this
server process and within ``Settings.api_caller_ttl_seconds`` (≤ 1 s) by the others.
Anyone may rotate their own token."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from notoneless.access.users import (
    Role,
    change_user,
    check_division,
    check_user_admin,
    create_user,
    list_users,
    rotate_token,
)
from notoneless.api.deps import AppSettings, CurrentCaller, Store

router = APIRouter(prefix="/users", tags=["users"])

UserRef = Annotated[str, Path(min_length=1, max_length=64, description="用户编号（或用户名）")]


class UserOut(BaseModel):
    user_id: str
    name: str
    role: str
    division: str
    disabled: bool = False
    created_at: str | None = None
    token_expires_at: str | None = Field(default=None, description="令牌过期时间（ISO 8601）")


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=40, pattern=r"\S")
    role: Literal["省级管理员", "县级数据员", "乡镇专干", "学校", "只读审计"]
    division: str = Field(min_length=2, max_length=20, pattern=r"^[0-9A-Za-z]+$",
                          description="辖区：行政区划代码（省 2 位、县 6 位、乡 9 位），学校用学校标识码")


class TokenOut(BaseModel):
    user_id: str
    name: str
    token: str = Field(description="令牌：只返回这一次，不保存")
    token_expires_at: str


class UserChangeOut(BaseModel):
    user_id: str
    name: str
    action: str = Field(description="disable / enable / delete")


def _forget(request: Request) -> None:
    request.app.state.callers.forget_all()  # this process refuses a changed token at once


@router.get("", response_model=list[UserOut], summary="本省用户（省级管理员）：角色、辖区、是否停用、令牌过期时间")
def users(store: Store, caller: CurrentCaller) -> list[UserOut]:
    check_user_admin(store, caller)
    return [UserOut(**u) for u in list_users(store, caller.division)]


@router.post("", response_model=TokenOut, status_code=201, summary="新建用户并返回其令牌（只这一次；省级管理员，本省）")
def add_user(store: Store, settings: AppSettings, caller: CurrentCaller, body: UserCreate) -> TokenOut:
    role = Role(body.role)
    check_user_admin(store, caller)  # the role first: a county officer gets 403 whatever the body
    check_user_admin(store, caller, division=check_division(role, body.division))
    token = create_user(store, body.name, role, body.division, by=caller, token_days=settings.user_token_days)
    u = next(u for u in list_users(store, caller.division) if u["name"] == body.name.strip())
    return TokenOut(user_id=u["user_id"], name=u["name"], token=token, token_expires_at=u["token_expires_at"])


def _change(request: Request, store: Store, caller: CurrentCaller, user: str, action: str) -> UserChangeOut:
    done = change_user(store, user, action, caller)
    _forget(request)
    return UserChangeOut(**done)


@router.post("/{user}/disable", response_model=UserChangeOut, status_code=201,
             summary="停用用户：其令牌立即失效（省级管理员）")
def disable_user(request: Request, store: Store, caller: CurrentCaller, user: UserRef) -> UserChangeOut:
    return _change(request, store, caller, user, "disable")


@router.post("/{user}/enable", response_model=UserChangeOut, status_code=201, summary="重新启用用户（省级管理员）")
def enable_user(request: Request, store: Store, caller: CurrentCaller, user: UserRef) -> UserChangeOut:
    return _change(request, store, caller, user, "enable")


@router.delete("/{user}", response_model=UserChangeOut, summary="删除用户（办理记录保留其用户编号；省级管理员）")
def delete_user(request: Request, store: Store, caller: CurrentCaller, user: UserRef) -> UserChangeOut:
    return _change(request, store, caller, user, "delete")


@router.post("/{user}/token", response_model=TokenOut, status_code=201,
             summary="轮换令牌：签发新令牌，旧令牌立即失效（省级管理员；或本人）")
def rotate(request: Request, store: Store, settings: AppSettings, caller: CurrentCaller, user: UserRef) -> TokenOut:
    token, expires = rotate_token(store, user, caller, token_days=settings.user_token_days)
    _forget(request)
    found = store.query("api/users/get", user=user, division=None)
    return TokenOut(user_id=found[0]["user_id"], name=found[0]["name"], token=token, token_expires_at=expires)
