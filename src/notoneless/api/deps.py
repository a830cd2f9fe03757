"""What routes receive through ``Annotated`` dependencies: the graph store, the settings,
the authenticated caller, a page.

The dependencies are ``async def``: FastAPI runs a plain ``def`` dependency in its thread
pool, and those hops (with the trail route's own) were a fifth of the server's CPU per
trail lookup (4.6 → 3.7 ms when removed). The only blocking step, looking a token up in
the graph, goes to the thread pool itself, and only when the token is not remembered
(api/callers.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from notoneless.access.users import Caller
from notoneless.api.callers import CallerCache
from notoneless.api.models import PageOf
from notoneless.config import Settings
from notoneless.errors import Unauthenticated
from notoneless.graph.store import GraphStore

M = TypeVar("M")

_bearer = HTTPBearer(auto_error=False, description="令牌由 `notoneless users add` 签发 (bearer token)")


async def get_store(request: Request) -> GraphStore:
    return request.app.state.store


async def get_settings_of_app(request: Request) -> Settings:
    return request.app.state.settings


Store = Annotated[GraphStore, Depends(get_store)]
AppSettings = Annotated[Settings, Depends(get_settings_of_app)]


async def get_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated()
    token = credentials.credentials.strip()
    callers: CallerCache = request.app.state.callers  # the app's state itself: fewer dependencies to solve
    caller = callers.remembered(token) or await run_in_threadpool(callers.look_up, request.app.state.store, token)
    if caller is None:
        raise Unauthenticated("令牌无效、已过期、已轮换，或用户已停用：请向省级管理员索取新令牌（notoneless users rotate 用户名）。")
    return caller


CurrentCaller = Annotated[Caller, Depends(get_caller)]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    def params(self) -> dict[str, Any]:
        return {"limit": self.limit, "offset": self.offset}

    def result(self, item: type[M], rows: list[dict[str, Any]], convert: Callable[[Any], Any] | None = None) -> PageOf[M]:
        """The page a paged query returned (one row ``{total, items}``; no row: nothing),
        each item through ``convert`` (e.g. masking) first."""
        found = rows[0] if rows else {"total": 0, "items": []}
        items = [convert(i) for i in found["items"]] if convert else found["items"]
        return PageOf[item](items=items, total=found["total"], limit=self.limit, offset=self.offset)


async def get_paging(
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数 (page size)")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="跳过的条数 (items to skip)")] = 0,
) -> Paging:
    return Paging(limit, offset)


Page = Annotated[Paging, Depends(get_paging)]
