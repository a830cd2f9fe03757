"""The site ``notoneless serve`` serves: the JSON API (``api.app.create_app``) with the
officer pages under ``/app`` on the same app, so that both share one graph driver, one
audit writer and one trail reader per server process.

- ``/`` redirects to ``/app/``; ``/app/static/…`` serves the pages' own CSS and script
  (web/static/) and the npm assets (htmx, ECharts) from the set-up's node_modules/.
- Every ``/app`` response carries the security headers (``SECURITY_HEADERS``: a CSP
  with no inline script or style, frame-ancestors 'none', nosniff …) and, after a page
  view, the session cookie again (sessions.py: the idle clock starts again).
- Errors on ``/app`` are pages, not problem JSON: no session → 303 to /app/login; a
  person or case that does not exist or is out of scope → the same Chinese 404 page;
  a form without its CSRF token → 403 page. The API's paths keep the API's handlers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from notoneless.api import exc as api_exc
from notoneless.api.app import create_app, server_process
from notoneless.config import Settings, get_settings
from notoneless.errors import CaseError, GraphError, NotFound, NotOneLessError
from notoneless.graph.store import GraphStore
from notoneless.resources import source_root
from notoneless.web import pages, reviews, runs, villages

log = logging.getLogger("notoneless.web")

SITE = "notoneless.web.app:site_from_environment"  # uvicorn's factory (commands/api.py serve)
STATIC = Path(__file__).parent / "static"
# The npm assets the pages load, as node_modules/ holds them (package.json pins the versions).
VENDOR = {
    "htmx.min.js": Path("htmx.org/dist/htmx.min.js"),
    "echarts.min.js": Path("echarts/dist/echarts.min.js"),
}
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def site_from_environment() -> FastAPI:
    """The site of the environment's settings: the factory uvicorn calls in each server process."""
    server_process()
    return create_site(get_settings())


def create_site(settings: Settings, store: GraphStore | None = None) -> FastAPI:
    app = create_app(settings, store)
    install(app)
    return app


def assets_dir(settings: Settings) -> Path | None:
    """node_modules/ of the set-up (``Settings.web_assets_dir``, else the source checkout's)."""
    if settings.web_assets_dir is not None:
        return settings.web_assets_dir
    root = source_root()
    return root / "node_modules" if root is not None else None


def missing_assets(settings: Settings) -> list[str]:
    """The npm browser assets (htmx, ECharts) the set-up has not installed, by file name."""
    root = assets_dir(settings)
    return [name for name, rel in VENDOR.items() if root is None or not (root / rel).is_file()]


class PageHeaders:
    """ASGI middleware: the security headers and the re-issued session cookie on /app responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"] == "/" or scope["path"].startswith("/app")):
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                static = scope["path"].startswith("/app/static/")
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names
                            and not (static and k == b"cache-control")]
                cookie = scope.get("nol_set_cookie")
                if cookie is not None and not any(k.lower() == b"set-cookie" and v.startswith(cookie[0].encode())
                                                  for k, v in headers):
                    from starlette.requests import Request as _Request
                    from starlette.responses import Response as _Response

                    carrier = _Response()
                    pages.sessions.set_cookie(carrier, _Request(scope), cookie[0], cookie[1])
                    headers += [(k, v) for k, v in carrier.raw_headers if k == b"set-cookie"]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def _is_page(request: Request) -> bool:
    return request.url.path == "/app" or request.url.path.startswith("/app/")


def not_found_page(request: Request) -> HTMLResponse:
    # The same page whatever was not found or out of scope: nothing of the request in it.
    return pages.render(request, "404.html", status=404)


def install(app: FastAPI) -> None:
    """Add the pages, the static files, the page error handlers and the headers to ``app``."""
    app.include_router(pages.router)
    app.include_router(reviews.router)  # 身份核查
    app.include_router(villages.router)  # 三包
    app.include_router(runs.router)  # 本月数据
    settings: Settings = app.state.settings

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/app/", status_code=303)

    @app.get("/app", include_in_schema=False)
    async def app_root() -> RedirectResponse:
        return RedirectResponse("/app/", status_code=303)

    vendor_root = assets_dir(settings)

    @app.get("/app/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name in VENDOR:
            if vendor_root is None or not (vendor_root / VENDOR[name]).is_file():
                log.warning("browser asset %s is missing: run `make` (npm ci) or set NOTONELESS_WEB_ASSETS_DIR", name)
                raise NotFound("缺少网页资源文件：请在部署目录运行 make（npm ci）。")
            path = vendor_root / VENDOR[name]
        else:
            path = STATIC / name
            if "/" in name or name.startswith(".") or not path.is_file():
                raise NotFound("没有这个文件。")
        return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})

    api_handlers: dict[Any, Any] = dict(api_exc.HANDLERS)

    async def on_project_error(request: Request, exc: NotOneLessError) -> Response:
        if not _is_page(request):
            return await api_handlers[NotOneLessError](request, exc)
        if isinstance(exc, NotFound) or (isinstance(exc, CaseError) and exc.code == "CASE_NOT_FOUND") \
                or exc.http_status == 404:
            return not_found_page(request)
        if isinstance(exc, GraphError):
            log.error("graph error on %s %s: %s", request.method, request.url.path, exc)
            return pages.render(request, "error.html", status=503, message="图数据库暂时无法访问，请稍后重试。")
        status = exc.http_status if 400 <= exc.http_status < 500 else 500
        return pages.render(request, "error.html", status=status, message=str(exc) if status < 500 else
                            "服务器内部错误，请稍后重试；如持续出现请联系系统管理员。")

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_page(request):
            return await api_handlers[StarletteHTTPException](request, exc)
        if exc.status_code == 404:
            return not_found_page(request)
        return pages.render(request, "error.html", status=exc.status_code, message="请求未能完成。")

    async def on_validation(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await api_handlers[api_exc.RequestValidationError](request, exc)
        return not_found_page(request) if request.method == "GET" else pages.render(
            request, "error.html", status=422, message="表单填写有误，请返回修改。")

    async def on_sign_in(request: Request, exc: pages.NeedSignIn) -> Response:
        return RedirectResponse("/app/login?expired=1" if exc.expired else "/app/login", status_code=303)

    async def on_csrf(request: Request, exc: pages.CsrfRefused) -> Response:
        return pages.render(request, "error.html", status=403,
                            message="表单已失效（缺少或不符的安全令牌）：请刷新页面后重新提交。")

    app.add_exception_handler(NotOneLessError, on_project_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(api_exc.RequestValidationError, on_validation)
    app.add_exception_handler(pages.NeedSignIn, on_sign_in)
    app.add_exception_handler(pages.CsrfRefused, on_csrf)
    app.add_middleware(PageHeaders)
