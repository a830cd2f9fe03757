"""The local Neo4j server's lifecycle: start, stop, status (building it with Maven is
server_build.py, finding the JDK jdk.py).

The server is Neo4j Community embedded with its Bolt connector (``graph_server/``,
one Java class), run as a background process bound to 127.0.0.1. Everything it keeps
lives under ``<workspace>/neo4j/`` (mode 0700):

- ``data/``, ``logs/``   Neo4j's own store and logs
- ``password``           the generated password of the ``neo4j`` user (mode 0600, never printed)
- ``server.pid``, ``server.port``, ``server.log``

On JDK 25+ the server starts from an ahead-of-time cache of the classes it loads
(JEP 483/514: ``graph_server/target/aot/``, one per JDK and build), made once by a
start and stop of the server on a scratch home (:func:`prepare_aot_cache`; ``graph build``
makes it, else the first start): a start takes about 5 s instead of 8 on this machine,
and a first run starts the server twice (its bulk load restarts it).

Used when ``Settings.graph_uri`` is unset; :func:`notoneless.graph.store.open_graph`
starts it on demand.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from notoneless.config import Settings
from notoneless.errors import GraphError
from notoneless.graph.jdk import JavaHome, find_java_home
from notoneless.graph.server_build import build, default_server_dir, jar_path
from notoneless.workspace_lock import workspace_lock

MAIN_CLASS = "org.notoneless.graphserver.GraphServer"
READY_PREFIX = "READY "
FAILED_PREFIX = "FAILED "
# what Netty says in the server log when the Bolt port is taken
PORT_IN_USE = "Address already in use"
PORT_ATTEMPTS = 3
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 120.0  # Neo4j 2026.08 takes ~10 s; never kill -9 a store
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "--add-modules=jdk.incubator.vector",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class ServerPaths:
    home: Path

    @property
    def password(self) -> Path:
        return self.home / "password"

    @property
    def pid(self) -> Path:
        return self.home / "server.pid"

    @property
    def port(self) -> Path:
        return self.home / "server.port"

    @property
    def log(self) -> Path:
        return self.home / "server.log"


def server_paths(settings: Settings) -> ServerPaths:
    return ServerPaths(settings.local_graph_dir().resolve())


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int | None
    log: Path
    started: bool = False  # this call started it

    @property
    def uri(self) -> str | None:
        return f"bolt://127.0.0.1:{self.port}" if self.port else None


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _is_our_server(pid: int, home: Path) -> bool:
    """Whether ``pid`` is a live (not zombie) GraphServer process for this home."""
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our exited child
    except ChildProcessError:
        pass
    if not Path("/proc/self").exists():  # no procfs (macOS): trust the pid file if the pid lives
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z" and MAIN_CLASS.encode() in cmdline and str(home).encode() in cmdline


def status(settings: Settings) -> ServerStatus:
    """Whether the local server of this workspace runs, and where."""
    paths = server_paths(settings)
    pid = _read_int(paths.pid)
    if pid is not None and _is_our_server(pid, paths.home):
        return ServerStatus(True, pid, _read_int(paths.port), paths.log)
    return ServerStatus(False, None, None, paths.log)


def read_password(settings: Settings) -> str:
    """The local server's password (from ``<workspace>/neo4j/password``)."""
    path = server_paths(settings).password
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise GraphError(f"{path} not found: start the local server with `notoneless graph start`.") from None


def _ensure_password(path: Path) -> None:
    if path.exists():
        path.chmod(0o600)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(32) + "\n")


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _jvm_flags(java: JavaHome) -> list[str]:
    flags = list(JVM_FLAGS)
    if java.version >= 24:
        flags.append("--sun-misc-unsafe-memory-access=allow")
    return flags


def _classpath(server_dir: Path) -> str:
    return f"{jar_path(server_dir)}{os.pathsep}{server_dir / 'target' / 'lib'}/*"


def _java_command(java: JavaHome, server_dir: Path, paths: ServerPaths, port: int, settings: Settings,
                  aot: list[str] | None = None) -> list[str]:
    return [
        str(java.java),
        f"-Xms{settings.graph_heap}",
        f"-Xmx{settings.graph_heap}",
        *_jvm_flags(java),
        *(aot or []),
        "-cp",
        _classpath(server_dir),
        MAIN_CLASS,
        str(paths.home),
        str(port),
        str(paths.password),
        settings.graph_pagecache,
    ]


def tool_command(
    settings: Settings, main_class: str, args: list[str], *, heap: str, server_dir: Path | None = None
) -> list[str]:
    """The java command line running ``main_class`` of the server's classpath (built first
    if needed) with ``args``, e.g. Neo4j's admin tool (``org.neo4j.cli.AdminTool``: the
    offline importer, graph/bulk_import.py), with the server's JVM flags and ``-Xmx{heap}``."""
    server_dir = server_dir or default_server_dir(settings)
    build(settings, server_dir=server_dir)
    java = find_java_home(settings)
    return [str(java.java), f"-Xmx{heap}", *_jvm_flags(java), "-cp", _classpath(server_dir), main_class, *args]


AOT_MIN_JAVA = 25  # -XX:AOTCacheOutput (JEP 514): one training run writes the cache


def _aot_cache_path(java: JavaHome, server_dir: Path) -> Path | None:
    """The AOT cache for this JDK and this build of the server (None below JDK 25): named by
    the JDK's ``release`` file and the jar's time and size, so that another JDK or a rebuild
    makes a new one rather than meet one the JVM would refuse."""
    if java.version < AOT_MIN_JAVA:
        return None
    jar = jar_path(server_dir).stat()
    release = java.path / "release"
    jdk = release.read_bytes() if release.is_file() else str(java.java).encode()
    key = jdk + f"|{jar.st_mtime_ns}|{jar.st_size}".encode()
    return server_dir / "target" / "aot" / f"graph-server-{hashlib.sha256(key).hexdigest()[:16]}.aot"


def prepare_aot_cache(settings: Settings, *, server_dir: Path | None = None,
                      timeout: float = START_TIMEOUT_S) -> Path | None:
    """Make the server's AOT cache if this JDK can and it is missing: start the server with
    ``-XX:AOTCacheOutput`` on a scratch home, then stop it, whereupon the JVM writes the
    cache (about 25 s, once). The cache only makes starts faster: when it cannot be made,
    this returns None and the server starts without it."""
    server_dir = server_dir or default_server_dir(settings)
    build(settings, server_dir=server_dir)
    java = find_java_home(settings)
    cache = _aot_cache_path(java, server_dir)
    if cache is None or cache.is_file():
        return cache
    failed = cache.with_suffix(".failed.log")  # the training's log, when it made no cache: not tried again
    if failed.is_file():
        return None
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(cache.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one training at a time: parallel test sessions
        if cache.is_file() or failed.is_file():
            return cache if cache.is_file() else None
        for old in [*cache.parent.glob("*.aot"), *cache.parent.glob("*.failed.log")]:  # another JDK's or build's
            old.unlink(missing_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="train-", dir=cache.parent))
        written = scratch / "cache.aot"
        why = "the JVM wrote no cache"
        try:
            paths = ServerPaths(scratch / "home")
            paths.home.mkdir(mode=0o700)
            _ensure_password(paths.password)
            running = _launch(java, server_dir, paths, free_port(), settings, timeout,
                              aot=[f"-XX:AOTCacheOutput={written}"])
            assert running.pid is not None
            _terminate(running.pid, paths.home, STOP_TIMEOUT_S)  # the JVM writes the cache as it exits
            if written.is_file():
                written.rename(cache)
        except (GraphError, _PortTaken, OSError) as exc:
            why = str(exc)
        finally:
            if not cache.is_file():  # the server starts without a cache; why is kept beside
                log = scratch / "home" / "server.log"
                failed.write_text(f"no AOT cache: {why}\n\n"
                                  + (log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""),
                                  encoding="utf-8")
            shutil.rmtree(scratch, ignore_errors=True)
    return cache if cache.is_file() else None


def start(
    settings: Settings, *, server_dir: Path | None = None, timeout: float = START_TIMEOUT_S
) -> ServerStatus:
    """Start the local server in the background (building it first if needed).

    A no-op when it already runs (``started`` is False then). Returns once the server
    has announced that the password is set and Bolt answers.
    """
    current = status(settings)
    if current.running:
        return current
    # one start at a time per workspace (another command may be starting it right now:
    # wait for it, then find it running); a run holding the workspace refuses
    with workspace_lock(settings.paths.root, "graph start", wait_s=timeout):
        return _start_locked(settings, server_dir=server_dir, timeout=timeout)


def _start_locked(settings: Settings, *, server_dir: Path | None, timeout: float) -> ServerStatus:
    current = status(settings)
    if current.running:
        return current
    server_dir = server_dir or default_server_dir(settings)
    cache = prepare_aot_cache(settings, server_dir=server_dir, timeout=timeout)
    java = find_java_home(settings)
    paths = server_paths(settings)
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.home.chmod(0o700)
    _ensure_password(paths.password)
    paths.pid.unlink(missing_ok=True)
    paths.port.unlink(missing_ok=True)

    port = settings.graph_port if _port_is_free(settings.graph_port) else free_port()
    for attempt in range(1, PORT_ATTEMPTS + 1):
        try:
            return _launch(java, server_dir, paths, port, settings, timeout,
                           aot=[f"-XX:AOTCache={cache}"] if cache else None)
        except _PortTaken:
            # the port was free when probed, and another process took it before the
            # JVM bound it (servers of other workspaces start at the same time): try another
            if attempt == PORT_ATTEMPTS:
                raise GraphError(
                    f"本地图数据库启动失败：连续 {PORT_ATTEMPTS} 个端口刚探测为空闲就被其他程序占用；"
                    f"请稍后重试 notoneless graph start（日志：{paths.log}）"
                ) from None
            port = free_port()
    raise AssertionError("unreachable")


class _PortTaken(Exception):
    """The JVM could not bind the Bolt port: someone took it after we probed it."""


def _launch(
    java: JavaHome, server_dir: Path, paths: ServerPaths, port: int, settings: Settings, timeout: float,
    aot: list[str] | None = None,
) -> ServerStatus:
    offset = paths.log.stat().st_size if paths.log.exists() else 0
    with open(paths.log, "ab") as log:
        process = subprocess.Popen(
            _java_command(java, server_dir, paths, port, settings, aot),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=paths.home,
            start_new_session=True,  # outlives the command that started it; no Ctrl-C from its terminal
        )
    paths.pid.write_text(f"{process.pid}\n")
    paths.port.write_text(f"{port}\n")

    deadline = time.monotonic() + timeout
    while True:
        output = _read_from(paths.log, offset)
        if any(line.startswith(READY_PREFIX) for line in output.splitlines()):
            return ServerStatus(True, process.pid, port, paths.log, started=True)
        if process.poll() is not None:
            paths.pid.unlink(missing_ok=True)
            paths.port.unlink(missing_ok=True)
            if PORT_IN_USE in output:
                raise _PortTaken(port)
            failed = [line for line in output.splitlines() if line.startswith(FAILED_PREFIX)]
            reason = failed[0][len(FAILED_PREFIX) :] if failed else f"the JVM exited with {process.returncode}"
            raise GraphError(f"The local Neo4j did not start: {reason[:300]}; log: {paths.log}")
        if time.monotonic() > deadline:
            _terminate(process.pid, paths.home, STOP_TIMEOUT_S)
            paths.pid.unlink(missing_ok=True)
            paths.port.unlink(missing_ok=True)
            raise GraphError(
                f"The local Neo4j was not ready after {timeout:.0f} s (machine busy or short of memory?); "
                f"log: {paths.log}"
            )
        time.sleep(0.2)


def _read_from(path: Path, offset: int) -> str:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", errors="replace")


def _terminate(pid: int, home: Path, timeout: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while _is_our_server(pid, home):
        if time.monotonic() > deadline:
            raise GraphError(
                f"The local Neo4j (pid {pid}) did not stop within {timeout:.0f} s; wait and run "
                "`notoneless graph stop` again (do not kill -9 it: that can damage its store)."
            )
        time.sleep(0.2)


def stop(settings: Settings, *, timeout: float = STOP_TIMEOUT_S) -> bool:
    """Stop the local server cleanly (SIGTERM, then wait for it to exit).

    Returns False when it was not running.
    """
    paths = server_paths(settings)
    if not settings.paths.root.is_dir():  # no workspace, no server: and stopping makes none
        return False
    with workspace_lock(settings.paths.root, "graph stop"):  # never under a running 比对
        current = status(settings)
        if current.running and current.pid is not None:
            _terminate(current.pid, paths.home, timeout)
        paths.pid.unlink(missing_ok=True)
        paths.port.unlink(missing_ok=True)
    return current.running
