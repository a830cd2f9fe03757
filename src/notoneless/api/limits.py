"""Requests too large for the server: a problem response, never uvicorn's plain text.

``notoneless serve`` parses HTTP with h11 (``UVICORN_OPTIONS``), whose buffer for a
request's line and headers is raised from uvicorn's 16 KiB to ``H11_BUFFER_BYTES``
(1 MiB): within it, every request reaches the app, and ``RequestLimits`` (ASGI
middleware, the outermost layer) answers one whose target (path and query) is longer
than ``MAX_TARGET_BYTES`` with 414 ``URI_TOO_LONG``, and one with a header longer than
``MAX_HEADER_BYTES`` or headers longer than ``MAX_HEADERS_BYTES`` in all with 431
``HEADERS_TOO_LARGE``, naming the field (the longest query parameter, the path, or the
header). A request beyond h11's buffer, or one h11 cannot parse, is refused by uvicorn
before any app sees it: ``ProblemH11Protocol`` makes that answer a problem response too
(431 when the buffer was exceeded, else 400 ``BAD_REQUEST``).

(uvicorn's default parser, httptools, has no limit on headers at all, and fails on a URL
of 64 KiB or more with the same plain-text 400: h11 bounds what one request may hold in
memory.)
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from notoneless.api.exc import problem

log = logging.getLogger("notoneless.api")

MAX_TARGET_BYTES = 8 * 1024  # path and query of one request (nginx's default request-line buffer)
MAX_HEADER_BYTES = 8 * 1024  # one header, name and value
MAX_HEADERS_BYTES = 32 * 1024  # all headers of one request
H11_BUFFER_BYTES = 1024 * 1024  # the request line and headers h11 holds before refusing (uvicorn: 16 KiB)


def _target_field(scope: Scope) -> str:
    """What makes a target long: the longest query parameter, else the path."""
    query: bytes = scope.get("query_string", b"")
    if len(query) > len(scope.get("raw_path") or scope["path"].encode()):
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        if pairs:
            return max(pairs, key=lambda kv: len(kv[0]) + len(kv[1]))[0][:40] or "query"
        return "query"
    return "path"


class RequestLimits:
    """ASGI middleware: 414 for a target, 431 for headers, beyond the limits above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal is not None:
                log.warning("refused %s %s… with %d", scope.get("method"), scope["path"][:80], refusal.status_code)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def refusal(scope: Scope) -> Any:
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if target > MAX_TARGET_BYTES:
            field = _target_field(scope)
            return problem(414, "URI_TOO_LONG",
                           f"请求地址过长（{target:,} 字节，上限 {MAX_TARGET_BYTES:,}），主要在参数 {field}：请缩短该参数"
                           "（按人员编号查询，或分页、分批请求）后重试。",
                           errors=[{"field": field, "message": f"地址合计不得超过 {MAX_TARGET_BYTES} 字节"}])
        total = 0
        largest = ("", 0)
        for name, value in scope["headers"]:
            size = len(name) + len(value)
            total += size
            if size > largest[1]:
                largest = (name.decode("latin-1"), size)
        if largest[1] > MAX_HEADER_BYTES or total > MAX_HEADERS_BYTES:
            field = largest[0][:60]
            return problem(431, "HEADERS_TOO_LARGE",
                           f"请求头过大（{field} {largest[1]:,} 字节，合计 {total:,} 字节；上限每个 {MAX_HEADER_BYTES:,}、"
                           f"合计 {MAX_HEADERS_BYTES:,}）：请删去多余的请求头（如过多的 Cookie）后重试。",
                           errors=[{"field": field, "message": f"每个请求头不得超过 {MAX_HEADER_BYTES} 字节"}])
        return None


class ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering a request it cannot take with a problem response."""

    def send_400_response(self, msg: str) -> None:
        from http import HTTPStatus

        import h11

        # h11 refuses a request line and headers beyond its buffer with "Receive buffer too long"
        buffer = getattr(self.conn, "_receive_buffer", None)
        too_long = buffer is not None and len(buffer) > H11_BUFFER_BYTES
        if too_long:
            response = problem(431, "HEADERS_TOO_LARGE",
                               f"请求行与请求头合计超过 {H11_BUFFER_BYTES // 2**20} MiB，服务器未读取：请缩短地址与请求头后重试。",
                               errors=[{"field": "headers", "message": f"合计不得超过 {H11_BUFFER_BYTES} 字节"}])
        else:
            response = problem(400, "BAD_REQUEST", "请求不是有效的 HTTP/1.1 请求，服务器无法解析：请检查客户端后重试。")
        headers = [*response.raw_headers, (b"connection", b"close")]
        try:
            reason = HTTPStatus(response.status_code).phrase.encode()
            self.transport.write(self.conn.send(h11.Response(status_code=response.status_code, headers=headers,
                                                             reason=reason)))
            self.transport.write(self.conn.send(h11.Data(data=response.body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:  # a response was already under way: close is all that is left
            pass
        self.transport.close()


# What ``notoneless serve`` gives uvicorn (every server process).
UVICORN_OPTIONS: dict[str, Any] = {"http": ProblemH11Protocol, "h11_max_incomplete_event_size": H11_BUFFER_BYTES}
