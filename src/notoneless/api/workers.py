"""Several server processes on one port, each with its own listening socket.

uvicorn's own ``workers=N`` shares one listening socket: whichever process wakes first
accepts every connection waiting, so a burst of keep-alive connections lands on one
process and stays there (measured: 15 of 16 benchmark clients on one of two workers,
whose one core then bounds the whole service). Here each process binds its own socket
with ``SO_REUSEPORT`` and the kernel spreads new connections over them (by a hash of the
connection's addresses), as nginx's ``reuseport`` does. Linux only (``SO_REUSEPORT``);
elsewhere ``serve`` falls back to uvicorn's workers.

The parent only supervises: it checks the port is free first (``SO_REUSEPORT`` would
otherwise let a second ``notoneless serve`` of the same user share the port silently),
starts the processes, starts again one that dies, and stops them all on Ctrl+C or
SIGTERM. Written here because uvicorn's supervisor cannot give each process a socket of
its own.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

log = logging.getLogger("notoneless.api")

APP = "notoneless.api.app:app_from_environment"  # the API alone; `notoneless serve` passes the site with its pages
# A process that dies this soon after its start is not started again (it would only die
# again: a broken configuration, a graph that cannot be reached); the service stops.
MIN_LIFETIME_SECONDS = 10.0


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def check_port_free(host: str, port: int) -> None:
    """Raise OSError if ``host:port`` is taken (also by sockets with SO_REUSEPORT)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _serve_one(host: str, port: int, log_level: str, app: str = APP) -> None:
    """One server process: its own socket, its own app (the factory ``app`` names)."""
    import uvicorn

    from notoneless.api.limits import UVICORN_OPTIONS

    sock = _listening_socket(host, port)
    uvicorn.Server(uvicorn.Config(app, factory=True, log_level=log_level, **UVICORN_OPTIONS)).run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, log_level: str = "warning", app: str = APP) -> int:
    """Serve with ``workers`` processes until Ctrl+C / SIGTERM; the exit status."""
    check_port_free(host, port)
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start() -> BaseProcess:
        process = context.Process(target=_serve_one, args=(host, port, log_level, app), daemon=False)
        process.start()
        return process

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [(start(), time.monotonic()) for _ in range(workers)]
    status = 0
    try:
        while not stopping.wait(0.5):
            for i, (process, started) in enumerate(processes):
                if process.is_alive():
                    continue
                if time.monotonic() - started < MIN_LIFETIME_SECONDS:
                    log.error("接口进程 %s 启动后即退出（退出码 %s）：停止服务，请查看上面的错误。", process.pid, process.exitcode)
                    status = 1
                    stopping.set()
                    break
                log.warning("接口进程 %s 已退出（退出码 %s），重新启动。", process.pid, process.exitcode)
                processes[i] = (start(), time.monotonic())
    finally:
        for process, _ in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process, _ in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def connections_per_process(server_pid: int, port: int) -> list[int]:
    """How many established connections to ``port`` each process of a server (``server_pid``
    and its children) holds, busiest first, processes without one left out: to see how
    the kernel spread them (benchmarks, tests). Linux only: the sockets of /proc/net/tcp
    on that port, found among each process's file descriptors."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # local port, ESTABLISHED
                inodes.add(fields[9])
    counts = []
    pids = [server_pid, *child_pids(server_pid)]
    for pid in pids:
        n = 0
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:  # the process went away meanwhile
            fds = []
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            n += link.startswith("socket:[") and link[8:-1] in inodes
        if n:
            counts.append(n)
    return sorted(counts, reverse=True)


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from each process's /proc/<pid>/stat (Linux;
    the ``task/*/children`` lists are not reliable while processes come and go)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:  # field 4: ppid
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found
