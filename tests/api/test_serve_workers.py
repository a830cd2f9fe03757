"""``notoneless serve`` with several processes (api/workers.py), as a real subprocess over
the real local Neo4j: every process has its own listening socket and the kernel spreads
connections over them; a taken port is a clear error; a process that dies is started
again; SIGTERM stops them all."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from notoneless.api.workers import (
    MIN_LIFETIME_SECONDS,
    check_port_free,
    child_pids,
    connections_per_process,
)
from notoneless.config import Settings
from notoneless.graph import server

NOTONELESS = str(Path(sys.executable).parent / "notoneless")


def _env(graph_settings: Settings, graph_store) -> dict[str, str]:
    return {**os.environ, "NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_URI": graph_store.uri,
            "NOTONELESS_GRAPH_PASSWORD": server.read_password(graph_settings), "NOTONELESS_API_WORKERS": "2"}


def _children(pid: int) -> list[int]:
    """The server processes under ``pid`` (not multiprocessing's resource tracker)."""
    return [c for c in child_pids(pid) if b"spawn_main" in _cmdline(c)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _healthy(port: int, timeout: float = 120) -> None:
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


@pytest.fixture
def serving(graph_settings, graph_store, tmp_path):
    port = server.free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([NOTONELESS, "serve", "--port", str(port)], env=_env(graph_settings, graph_store),
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        _healthy(port)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            for child in _children(proc.pid) if Path(f"/proc/{proc.pid}").exists() else []:
                os.kill(child, signal.SIGKILL)
            proc.wait()
        log.close()


def test_connections_spread_over_the_processes_a_dead_one_is_replaced_and_sigterm_stops_all(serving) -> None:
    proc, port = serving
    started = time.monotonic()
    workers = _children(proc.pid)
    assert len(workers) == 2
    # 24 keep-alive connections: all on one process has a chance of 2 × 2^-24.
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(24)]
    for c in conns:
        c.request("GET", "/health")
        assert c.getresponse().read() is not None
    spread = connections_per_process(proc.pid, port)
    assert len(spread) == 2 and sum(spread) == 24, spread
    for c in conns:
        c.close()
    # A worker that dies after its first seconds is started again.
    time.sleep(max(0.0, MIN_LIFETIME_SECONDS + 1 - (time.monotonic() - started)))
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (len(_children(proc.pid)) < 2 or workers[0] in _children(proc.pid)):
        time.sleep(0.2)
    assert len(_children(proc.pid)) == 2 and workers[0] not in _children(proc.pid), (workers, _children(proc.pid))
    _healthy(port)
    now = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()
                   for pid in now)


def test_a_taken_port_is_a_clear_error(graph_settings, graph_store, serving) -> None:
    _, port = serving
    with pytest.raises(OSError):
        check_port_free("127.0.0.1", port)
    second = subprocess.run([NOTONELESS, "serve", "--port", str(port)], env=_env(graph_settings, graph_store),
                            capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode != 0
    assert f"127.0.0.1:{port}" in second.stdout + second.stderr and "端口" in second.stdout + second.stderr
