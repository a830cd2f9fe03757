"""``notoneless serve`` as a real subprocess over the test session's Neo4j: the command's
environment, waiting until it answers, and stopping it (its worker processes too)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from notoneless.api.workers import child_pids
from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.store import GraphStore

NOTONELESS = str(Path(sys.executable).parent / "notoneless")


def serve_env(graph_settings: Settings, graph_store: GraphStore, workers: int = 2) -> dict[str, str]:
    return {**os.environ, "NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_URI": graph_store.uri,
            "NOTONELESS_GRAPH_PASSWORD": server.read_password(graph_settings), "NOTONELESS_API_WORKERS": str(workers)}


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def worker_pids(pid: int) -> list[int]:
    """The server processes under ``pid`` (not multiprocessing's resource tracker)."""
    return [c for c in child_pids(pid) if b"spawn_main" in cmdline(c)]


def wait_healthy(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered on port {port}")


@contextmanager
def serving(graph_settings: Settings, graph_store: GraphStore, log_path: Path, *,
            workers: int = 2) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``notoneless serve --port <free port>`` until the block ends: (the process, the port)."""
    port = server.free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen([NOTONELESS, "serve", "--port", str(port)],
                                env=serve_env(graph_settings, graph_store, workers), stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(port)
            yield proc, port
        finally:
            if proc.poll() is None:
                proc.kill()
                for child in worker_pids(proc.pid) if Path(f"/proc/{proc.pid}").exists() else []:
                    os.kill(child, signal.SIGKILL)
                proc.wait()
