"""``notoneless serve`` with several processes (api/workers.py), as a real subprocess over
the real local Neo4j: every process has its own listening socket and the kernel spreads
connections over them; a taken port is a clear error; a process that dies is started
again; SIGTERM stops them all."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from serving import NOTONELESS, serve_env, serving, wait_healthy, worker_pids

from notoneless.api.workers import (
    MIN_LIFETIME_SECONDS,
    check_port_free,
    connections_per_process,
)


@pytest.fixture
def served(graph_settings, graph_store, tmp_path):
    with serving(graph_settings, graph_store, tmp_path / "serve.log") as running:
        yield running


def test_connections_spread_over_the_processes_a_dead_one_is_replaced_and_sigterm_stops_all(served) -> None:
    proc, port = served
    started = time.monotonic()
    workers = worker_pids(proc.pid)
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
    while time.monotonic() < deadline and (len(worker_pids(proc.pid)) < 2 or workers[0] in worker_pids(proc.pid)):
        time.sleep(0.2)
    assert len(worker_pids(proc.pid)) == 2 and workers[0] not in worker_pids(proc.pid), (workers, worker_pids(proc.pid))
    wait_healthy(port)
    now = worker_pids(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()
                   for pid in now)


def test_a_taken_port_is_a_clear_error(graph_settings, graph_store, served) -> None:
    _, port = served
    with pytest.raises(OSError):
        check_port_free("127.0.0.1", port)
    second = subprocess.run([NOTONELESS, "serve", "--port", str(port)], env=serve_env(graph_settings, graph_store),
                            capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode != 0
    assert f"127.0.0.1:{port}" in second.stdout + second.stderr and "端口" in second.stdout + second.stderr
