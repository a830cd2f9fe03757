"""Errors → RFC 9457 problem responses (``application/problem+json``), one handler table.

Every error the project raises on purpose is a ``NotOneLessError`` carrying a stable
``code`` and an ``http_status`` (all declared in ``errors.py``). A problem response has
``type`` (``urn:notoneless:problem:<code>``), ``title`` (Chinese, per code), ``status``,
``detail`` (the error's message, which says what to do), ``code``, and for validation
errors ``errors``: the failing fields. Nothing else leaves the server: an unexpected
exception becomes a 500 ``INTERNAL_ERROR`` problem and is logged here, never shown.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from notoneless.errors import (
    AuditUnavailable,
    CaseError,
    DecisionError,
    GraphError,
    LinkageError,
    NotOneLessError,
)

log = logging.getLogger("notoneless.api")

PROBLEM_JSON = "application/problem+json"


# Chinese titles by code; a code not listed takes its status's title.
TITLES: dict[str, str] = {
    "UNAUTHENTICATED": "未登录或令牌无效",
    "NOT_FOUND": "未找到",
    "FORBIDDEN": "无权执行此操作",
    "REVEAL_NOT_ALLOWED": "无权查看完整号码",
    "ROLE_CANNOT_ACT": "只读角色不能办理案件",
    "VALIDATION_ERROR": "请求参数有误",
    "BAD_REQUEST": "请求参数有误",
    "METHOD_NOT_ALLOWED": "不支持该请求方法",
    "URI_TOO_LONG": "请求地址过长",
    "HEADERS_TOO_LARGE": "请求头过大",
    "CASE_CONFLICT": "案件已被他人更新",
    "CASE_NOT_FOUND": "未找到",
    "GRAPH_ERROR": "图数据库暂不可用",
    "AUDIT_UNAVAILABLE": "审计记录暂无法写入",
    "LINKAGE_ERROR": "无法给出比对解释",
    "INTERNAL_ERROR": "服务器内部错误",
}
STATUS_TITLES: dict[int, str] = {
    400: "请求有误",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "未找到",
    405: "不支持该请求方法",
    409: "与当前状态冲突",
    422: "请求参数有误",
    500: "服务器内部错误",
    503: "服务暂不可用",
}
_SERVER_PATHS: list[str] = []  # set by install(): the workspace, the cache, the home directory


def without_paths(text: str) -> str:
    """A message for a client, with the server's own directories (workspace, cache, home)
    replaced: the CLI shows them, the API never does."""
    for path in _SERVER_PATHS:
        text = text.replace(path, "（服务器工作区）")
    return text


def problem(status: int, code: str, detail: str, *, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:notoneless:problem:{code.lower().replace('_', '-')}",
        "title": TITLES.get(code) or STATUS_TITLES.get(status, "请求未能完成"),
        "status": status,
        "detail": without_paths(detail),
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("query", "limit") → "limit"; ("body", "evidence", 0) → "evidence.0"
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "body", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors()]
    names = "、".join(dict.fromkeys(e["field"] for e in errors))
    return problem(422, "VALIDATION_ERROR", f"参数 {names} 不符合要求，请按 API 文档（/openapi.json）修改后重试。", errors=errors)


async def _project_error(request: Request, exc: NotOneLessError) -> JSONResponse:
    status = exc.http_status
    if isinstance(exc, GraphError):
        log.error("graph error on %s %s: %s", request.method, request.url.path, exc)
        return problem(503, exc.code, "图数据库暂时无法访问，请稍后重试；如持续出现请联系系统管理员。")
    if isinstance(exc, AuditUnavailable):  # a read that could not be audited: not shown
        log.error("audit unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem(503, exc.code, str(exc))
    if status >= 500:
        log.error("error on %s %s: %s", request.method, request.url.path, exc)
        return problem(500, "INTERNAL_ERROR", "服务器内部错误，请稍后重试；如持续出现请联系系统管理员。")
    errors = None
    if status == 422:  # every 422 names the input at fault (the whole body when no one field is)
        errors = [{"field": exc.field or "body", "message": str(exc)}]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, CaseError | LinkageError | DecisionError) and status == 404:
        return problem(404, "NOT_FOUND", str(exc))
    return problem(status, exc.code, str(exc), errors=errors, headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(
        exc.status_code, "HTTP_ERROR" if exc.status_code < 500 else "INTERNAL_ERROR"
    )
    detail = {
        404: "没有这个地址：请查看 API 文档（/docs 或 /openapi.json）。",
        405: "该地址不支持此请求方法：请查看 API 文档。",
    }.get(exc.status_code, STATUS_TITLES.get(exc.status_code, "请求未能完成"))
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:  # Starlette names the methods of the first route of the path only
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem(exc.status_code, code, detail, headers=headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route of this path answers (``GET /decisions`` and ``POST
    /decisions`` are two routes)."""
    allowed = []
    for method in ("DELETE", "GET", "PATCH", "POST", "PUT"):  # the methods the API has
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "INTERNAL_ERROR", "服务器内部错误，请稍后重试；如持续出现请联系系统管理员。")


HANDLERS: dict[Any, Any] = {
    RequestValidationError: _validation,
    NotOneLessError: _project_error,
    StarletteHTTPException: _http_error,
    Exception: _unexpected,
}


def install(app: FastAPI) -> None:
    settings = app.state.settings
    found = set()
    for path in (settings.workspace, settings.user_cache_dir(), Path.home()):
        for p in (path, path.resolve()):
            if len(str(p)) > 1:
                found.add(str(p))
    _SERVER_PATHS[:] = sorted(found | set(_SERVER_PATHS), key=len, reverse=True)  # the longest first
    for exc_class, handler in HANDLERS.items():
        app.add_exception_handler(exc_class, handler)
