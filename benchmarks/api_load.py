"""Trail lookups through the HTTP API under load: 16 concurrent clients against a
uvicorn server on 127.0.0.1, on the graph of the last ``notoneless run`` (the demo data).

    NOTONELESS_WORKSPACE=<the run's workspace> .venv/bin/python benchmarks/api_load.py \
        [--clients 16] [--requests 2000] [--seconds 60] [--warmup 100]

Starts the local Neo4j of the workspace if it is not running (and stops it at the end
only then), creates a throw-away 省级管理员 user (so every person is in scope), starts
``notoneless serve`` on a free port, samples persons from the graph, then runs the
clients (each first warms up on its own connection: ``--warmup`` lookups in all) until
``--requests`` lookups are done or ``--seconds`` have passed. Prints
p50/p95/p99 latency, requests per second, the status codes seen, and the CPU time per
request of the server (with its worker processes), of Neo4j and of the clients
themselves (on a shared machine the latency alone misleads). Goal: p95 ≤ 50 ms.

``--client``: ``raw`` (default) keeps one keep-alive connection per client thread on a
plain socket and reads each response by its status line and Content-Length: 0.15 ms of
CPU per request, against 0.33–0.46 ms for ``stdlib`` (``http.client``, which parses every
response's headers with the email package) and more for ``httpx``. The
clients run on the same two cores as the server and Neo4j, so the lighter they are, the
more the figures measure the service. Every client counts the status codes it got; a
dropped connection or a malformed response counts as 0.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from notoneless.access.users import Role, create_user
from notoneless.api.workers import child_pids, connections_per_process
from notoneless.config import get_settings
from notoneless.graph import server
from notoneless.graph.store import open_graph


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants (procfs; Linux only,
    enough for a benchmark — psutil is not a dependency of the project)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (FileNotFoundError, ProcessLookupError):
        return total
    for child in child_pids(pid):
        total += _cpu_seconds(child)
    return total


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _StdlibClient:
    """One keep-alive HTTP/1.1 connection (``http.client``), reopened after an error."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port, self.headers = port, headers
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> int:
        try:
            self.conn.request("GET", path, headers=self.headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return 0

    def close(self) -> None:
        self.conn.close()


class _RawClient:
    """One keep-alive HTTP/1.1 connection on a plain socket, reopened after an error: the
    request written by hand, the response read by its status line and Content-Length.
    The lightest load generator here: ``http.client`` parses every response's headers
    with the email package, and 16 client threads doing that contend for one GIL."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.sock: socket.socket | None = None
        self.buf = bytearray()

    def get(self, path: str) -> int:
        try:
            if self.sock is None:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.buf = bytearray()
            self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.head}\r\n".encode())
            while (end := self.buf.find(b"\r\n\r\n")) < 0:
                self._receive()
            head = bytes(self.buf[:end]).split(b"\r\n")
            lengths = [int(v) for k, _, v in (h.partition(b":") for h in head[1:]) if k.strip().lower() == b"content-length"]
            if not head[0].startswith(b"HTTP/1.1 ") or len(lengths) != 1:
                raise ValueError(f"unexpected response head: {head[:1]}")
            body_end = end + 4 + lengths[0]
            while len(self.buf) < body_end:
                self._receive()
            del self.buf[:body_end]
            return int(head[0][9:12])
        except (OSError, ValueError):
            self.close()
            return 0

    def _receive(self) -> None:
        chunk = self.sock.recv(1 << 16)  # type: ignore[union-attr]
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class _HttpxClient:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120)

    def get(self, path: str) -> int:
        try:
            return self.client.get(path).status_code
        except httpx.HTTPError:
            return 0

    def close(self) -> None:
        self.client.close()


CLIENTS = {"raw": _RawClient, "stdlib": _StdlibClient, "httpx": _HttpxClient}


def _wait_ready(base: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"notoneless serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("notoneless serve did not become ready in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000, help="lookups to time (after the warm-up)")
    parser.add_argument("--seconds", type=float, default=60.0, help="stop timing after this long anyway")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--persons", type=int, default=2000, help="persons sampled to look up")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client", choices=sorted(CLIENTS), default="raw", help="the HTTP client of each thread")
    parser.add_argument("--audit", choices=("on", "off", "both"), default="on",
                        help="audit events of the reads (NOTONELESS_API_AUDIT_READS); both: alternate servers with "
                             "and without, in one run, and compare their p95")
    parser.add_argument("--rounds", type=int, default=2, help="with --audit both: rounds of each, in ABBA order")
    args = parser.parse_args()

    settings = get_settings()
    # Start the local graph first (if it is not running) so that it outlives open_graph
    # below and serves the API; stopped at the end only if started here.
    started_here = bool(settings.local_graph and server.start(settings).started)
    with open_graph(settings) as store:
        counts = store.node_counts()
        if not counts.get("Person"):
            raise SystemExit("The graph has no persons: run `notoneless run BUNDLE --out OUT` on the demo bundle first.")
        token = create_user(store, f"bench-{os.getpid()}-{int(time.time())}", Role.PROVINCE, "43")
        ids = [r["person_id"] for r in store.query("api/bench/person_ids", limit=args.persons * 5)]
    rng = random.Random(args.seed)
    sample = rng.sample(ids, min(args.persons, len(ids)))
    p95: dict[str, list[float]] = {"on": [], "off": []}
    # both: ABBA order (on off, off on, on off, …), so neither mode always runs first (a
    # fresh server and page cache) or last
    abba = [m for i in range(args.rounds) for m in (("on", "off") if i % 2 == 0 else ("off", "on"))]
    modes = {"on": ["on"], "off": ["off"], "both": abba}[args.audit]
    try:
        for mode in modes:
            p95[mode].append(_run(args, settings, counts, token, sample, rng, audit=mode == "on"))
    finally:
        if started_here:
            server.stop(settings)
    if args.audit == "both":
        on, off = statistics.median(p95["on"]), statistics.median(p95["off"])
        print(f"trail p95 at {args.clients} clients, median of {args.rounds} rounds each (ABBA order): "
              f"auditing on {on:.1f} ms, off {off:.1f} ms, difference {on - off:+.1f} ms "
              f"(rounds on {[round(x, 1) for x in p95['on']]}, off {[round(x, 1) for x in p95['off']]})")


def _run(args: argparse.Namespace, settings: Any, counts: dict[str, int], token: str, sample: list[str],
         rng: random.Random, audit: bool) -> float:
    """One server, one load: the p95 in ms (and the report printed)."""
    port = server.free_port()
    base = f"http://127.0.0.1:{port}"
    # The server's output goes to a file: a pipe nobody reads would fill up and block it.
    log = tempfile.NamedTemporaryFile(prefix="api_load-serve-", suffix=".log", delete=False)
    env = {**os.environ, "NOTONELESS_API_AUDIT_READS": "true" if audit else "false"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "notoneless"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,  # same cwd, so the same workspace and graph as above
    )
    try:
        _wait_ready(base, proc)
        headers = {"Authorization": f"Bearer {token}"}
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        issued = {"n": 0}
        stop_at = {"t": 0.0}

        def next_id() -> str | None:
            with lock:
                if issued["n"] >= args.requests or time.perf_counter() > stop_at["t"]:
                    return None
                issued["n"] += 1
            return rng.choice(sample)

        make_client = CLIENTS[args.client]

        # Every client warms up on its own connection first (the server's processes each
        # take their share of the connections, and each must be warm), then all start
        # the timed part together.
        warmed = threading.Barrier(args.clients + 1)
        go = threading.Barrier(args.clients + 1)

        def client(k: int) -> None:
            c = make_client(port, headers)
            try:
                for pid in sample[k : args.warmup : args.clients]:
                    c.get(f"/persons/{pid}/trail")
                warmed.wait()
                go.wait()
                while (pid := next_id()) is not None:
                    t0 = time.perf_counter()
                    status = c.get(f"/persons/{pid}/trail")  # 0: a timeout or a dropped connection
                    dt = time.perf_counter() - t0
                    with lock:
                        latencies.append(dt)
                        statuses[status] += 1
            finally:
                c.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        warmed.wait()
        spread = connections_per_process(proc.pid, port)
        graph_pid = server.status(settings).pid if settings.local_graph else None
        cpu_before = (_cpu_seconds(proc.pid), _cpu_seconds(graph_pid) if graph_pid else 0.0, _own_cpu_seconds())
        stop_at["t"] = time.perf_counter() + args.seconds
        began = time.perf_counter()
        go.wait()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        cpu_after = (_cpu_seconds(proc.pid), _cpu_seconds(graph_pid) if graph_pid else 0.0, _own_cpu_seconds())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    log.close()
    ms = sorted(x * 1000 for x in latencies)
    print(f"--- auditing of reads {'ON' if audit else 'OFF'} ---")
    print(f"graph: {counts.get('Person', 0):,} persons, {counts.get('SourceRecord', 0):,} source records")
    print(f"trail lookups: {len(ms):,} by {args.clients} concurrent clients in {elapsed:.1f} s "
          f"({len(ms) / elapsed:.1f} req/s)")
    print(f"latency ms: p50 {_percentile(ms, 50):.1f}  p95 {_percentile(ms, 95):.1f}  p99 {_percentile(ms, 99):.1f}  "
          f"mean {statistics.fmean(ms):.1f}  max {ms[-1]:.1f}")
    n = max(1, len(ms))
    server_cpu, graph_cpu, client_cpu = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
    print(f"CPU ms per request: server {server_cpu * 1000 / n:.2f}  neo4j "
          f"{graph_cpu * 1000 / n if graph_pid else float('nan'):.2f}  clients ({args.client}) "
          f"{client_cpu * 1000 / n:.2f}  (CPU s: server {server_cpu:.1f}, neo4j {graph_cpu:.1f}, "
          f"clients {client_cpu:.1f} in {elapsed:.1f} s wall; load average {os.getloadavg()[0]:.2f})")
    print(f"client connections per server process: {spread}")
    print(f"status codes: {dict(sorted(statuses.items()))} (0 = timeout or dropped connection)")
    print(f"server log: {log.name}")
    print(f"goal p95 <= 50 ms: {'met' if _percentile(ms, 95) <= 50 else 'NOT met'}")
    return _percentile(ms, 95)


if __name__ == "__main__":
    main()
