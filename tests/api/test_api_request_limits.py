"""Requests too large, against ``notoneless serve`` as a real server: a problem response
naming the field (414 for a long URL, 431 for large headers), never uvicorn's text/plain
400 — also for what the HTTP parser itself refuses (api/limits.py)."""

from __future__ import annotations

import http.client
import json
import socket

import pytest
from serving import serving

from notoneless.api.limits import H11_BUFFER_BYTES, MAX_TARGET_BYTES

pytestmark = pytest.mark.graph


@pytest.fixture(scope="module")
def port(graph_settings, graph_store, tmp_path_factory):
    with serving(graph_settings, graph_store, tmp_path_factory.mktemp("limits") / "serve.log", workers=1) as (_, p):
        yield p


def _get(port: int, target: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", target, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        kind = response.getheader("content-type", "")
        return response.status, kind, json.loads(body) if kind == "application/problem+json" else {}
    finally:
        conn.close()


def _raw(port: int, data: bytes) -> tuple[int, str, dict]:
    """Send bytes as they are; the status, content type and problem body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):  # the server answered and closed before reading it all
            pass
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers.get("content-type", ""), json.loads(body)


def test_a_100k_query_string_is_a_414_problem_naming_the_parameter(port: int) -> None:
    status, kind, body = _get(port, "/persons?limit=5&q=" + "%E5%BC%A0" + "a" * 100_000)
    assert (status, kind) == (414, "application/problem+json")
    assert body["code"] == "URI_TOO_LONG" and body["errors"][0]["field"] == "q" and "q" in body["detail"]
    status, kind, body = _get(port, "/persons/" + "P" * 20_000)
    assert (status, body["code"], body["errors"][0]["field"]) == (414, "URI_TOO_LONG", "path")
    # just under the limit: the request reaches the route (401 without a token), not the limit
    status, _, body = _get(port, "/persons?q=" + "a" * (MAX_TARGET_BYTES - 200))
    assert (status, body["code"]) == (401, "UNAUTHENTICATED")


def test_oversized_headers_are_a_431_problem_naming_the_header(port: int) -> None:
    status, kind, body = _get(port, "/health", {"X-Big": "b" * 100_000})
    assert (status, kind) == (431, "application/problem+json")
    assert body["code"] == "HEADERS_TOO_LARGE" and body["errors"][0]["field"] == "x-big"
    many = {f"X-Filler-{i}": "c" * 1_000 for i in range(40)}  # each small, 40 KB in all
    status, _, body = _get(port, "/health", many)
    assert status == 431 and body["errors"][0]["field"].startswith("x-filler-")


def test_what_the_http_parser_refuses_is_a_problem_too(port: int) -> None:
    # beyond h11's buffer (the app never sees it): still problem+json, 431
    status, kind, body = _raw(port, b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * (2 * H11_BUFFER_BYTES)
                              + b"\r\n\r\n")
    assert (status, kind, body["code"]) == (431, "application/problem+json", "HEADERS_TOO_LARGE")
    status, kind, body = _raw(port, b"NOT AN HTTP REQUEST\r\n\r\n")
    assert (status, kind, body["code"]) == (400, "application/problem+json", "BAD_REQUEST")
    assert _get(port, "/health")[0] == 200  # and the server serves on
