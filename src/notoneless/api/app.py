"""The FastAPI application: ``create_app(settings, store=None)`` (uvicorn's factory is
``app_from_environment``, the one place the API reads the environment's settings).

With a ``store`` (tests, benchmarks) the app uses it and leaves it open. Without one,
the app opens the graph of the settings when it starts (``open_graph``: the configured
Neo4j, or the local server, started if it is not running) and closes it at shutdown.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI

from notoneless.api import docs, exc
from notoneless.api.audits import AuditJournal
from notoneless.api.callers import CallerCache
from notoneless.api.limits import RequestLimits
from notoneless.api.models import Problem
from notoneless.api.routers import ROUTERS
from notoneless.api.search import index_name_pinyin
from notoneless.api.trails import TrailReader
from notoneless.config import Settings, get_settings
from notoneless.graph.store import GraphStore

log = logging.getLogger("notoneless.api")

API_VERSION = "1"
DESCRIPTION = """\
一个不能少 (NotOneLess) 数据专干接口：运行、人员查找与全貌、问题线索、案件台账、三包联系人、比对解释。

- 认证：`Authorization: Bearer <令牌>`，令牌由 `notoneless users add` 签发。
- 辖区：只返回调用者辖区内的数据；辖区外的人员、案件、村一律 404。
- 遮蔽：身份证号、学籍号、手机号默认遮蔽；省级管理员、县级数据员可在人员详情用 `?reveal=true` 查看完整号码，每次记入审计。
- 错误：RFC 9457 `application/problem+json`，含稳定的 `code`。
"""

# Every route may answer with these problems (documented once for all).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {exc.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
             "description": title}
    for status, title in ((400, "请求体无法解析（如非 UTF-8 编码的 JSON）"), (401, "未登录或令牌无效"), (403, "无权执行此操作"), (404, "未找到（或不在辖区内）"),
                          (409, "与当前状态冲突"), (414, "请求地址过长（路径与查询参数合计超过 8 KiB）"),
                          (422, "请求参数有误"), (431, "请求头过大（单个超过 8 KiB 或合计超过 32 KiB）"), (500, "服务器内部错误"),
                          (503, "图数据库暂不可用"))
}


# How long a thread that wants the GIL waits for a busy event loop to hand it over
# (``sys.setswitchinterval``; CPython's default is 5 ms). A read's audit event is synced to
# the disk by a worker thread (api/audits.py), which needs the GIL to start and again after
# each system call: with the default, such a thread (and the read waiting on it) can wait
# up to 5 ms at each of those steps while the event loop is busy. Benchmarks on this
# 2-core machine were too noisy to put a figure on the gain (issue 20's note).
SWITCH_INTERVAL_SECONDS = 0.0005


def server_process() -> None:
    """What a server process sets for itself, before its app is made (the factories)."""
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def app_from_environment() -> FastAPI:
    """The app of the environment's settings: the factory uvicorn calls in each server process."""
    server_process()
    return create_app(get_settings())


def create_app(settings: Settings, store: GraphStore | None = None) -> FastAPI:

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            opened = app.state.store is None
            if opened:
                from notoneless.graph.store import open_graph

                # Neo4j's per-query notifications are for the test suite (every query file
                # must run without one), not for a serving log: one line per request would
                # drown it.
                logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
                app.state.store = stack.enter_context(open_graph(settings))
            indexed = index_name_pinyin(app.state.store)
            if indexed:
                log.info("gave %d persons a pinyin search key", indexed)
            await app.state.audits.start()
            try:
                yield
            finally:
                await app.state.audits.stop()  # the journal's events into the graph before it closes
            if opened:
                app.state.store = None

    app = FastAPI(
        title="NotOneLess 一个不能少",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        docs_url=None,  # served from local assets instead (api/docs.py)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.callers = CallerCache(settings.api_caller_ttl_seconds)
    app.state.trails = TrailReader(lambda: app.state.store)
    app.state.audits = AuditJournal(settings.paths.audit_journal, lambda: app.state.store,
                                    drain_seconds=settings.api_audit_drain_seconds,
                                    move_max_seconds=settings.api_audit_move_max_seconds)
    if not settings.api_audit_reads:
        log.warning("reads of persons' data are NOT audited (NOTONELESS_API_AUDIT_READS=false): for measurement only")
    exc.install(app)
    app.add_middleware(RequestLimits)  # a target or headers too long: 414 / 431 problem responses
    docs.install(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
