"""The local Neo4j server's lifecycle: build it with Maven, start, stop, status.

The server is Neo4j Community embedded with its Bolt connector (``graph_server/``,
one Java class), run as a background process bound to 127.0.0.1. Everything it keeps
lives under ``<workspace>/neo4j/`` (mode 0700):

- ``data/``, ``logs/``   Neo4j's own store and logs
- ``password``           the generated password of the ``neo4j`` user (mode 0600, never printed)
- ``server.pid``, ``server.port``, ``server.log``

Used when ``Settings.graph_uri`` is unset; :func:`notoneless.graph.store.open_graph`
starts it on demand.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from notoneless import resources
from notoneless.config import Settings, get_settings
from notoneless.errors import GraphError

MIN_JAVA = 21
MAIN_CLASS = "org.notoneless.graphserver.GraphServer"
JAR_NAME = "graph-server.jar"
READY_PREFIX = "READY "
FAILED_PREFIX = "FAILED "
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 120.0  # Neo4j 2026.08 takes ~10 s; never kill -9 a store
JVM_SEARCH_DIRS = (Path("/usr/lib/jvm"), Path("/Library/Java/JavaVirtualMachines"))
INSTALL_HINT = (
    "install a JDK 21 or newer (e.g. `sudo apt-get install openjdk-21-jdk-headless`, or Temurin 21/25) "
    "or set NOTONELESS_JAVA_HOME to one"
)
# What Neo4j's own launcher adds; without the java.nio opens the page cache runs in a slower mode.
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


def default_server_dir(settings: Settings | None = None) -> Path:
    """Where the local server is built: ``graph_server/`` itself in a source checkout;
    for an installed package, a copy of its shipped sources under the user's cache,
    ``<cache>/graph_server/<hash of the sources>/`` (see :meth:`Settings.user_cache_dir`),
    so a new version builds beside the old one and site-packages is never written to."""
    sources = resources.graph_server_sources()
    if resources.in_source_checkout():
        return sources
    settings = settings or get_settings()
    files = sorted(p for p in [sources / "pom.xml", *(sources / "src").rglob("*")] if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(sources).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    server_dir = settings.user_cache_dir() / "graph_server" / digest.hexdigest()[:16]
    if not (server_dir / "pom.xml").is_file():
        server_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".copy-", dir=server_dir.parent))
        shutil.copy2(sources / "pom.xml", staging / "pom.xml")
        shutil.copytree(sources / "src", staging / "src")
        try:
            staging.rename(server_dir)
        except OSError:  # another process copied it first
            shutil.rmtree(staging, ignore_errors=True)
            if not (server_dir / "pom.xml").is_file():
                raise
    return server_dir


# --- the JDK ---------------------------------------------------------------------


@dataclass(frozen=True)
class JavaHome:
    path: Path
    version: int

    @property
    def java(self) -> Path:
        return self.path / "bin" / "java"


def java_version(home: Path) -> int | None:
    """The feature version (8, 17, 21, 25 …) of the JDK at ``home``, None when it is not one."""
    if not (home / "bin" / "java").is_file():
        return None
    release = home / "release"
    text = release.read_text(errors="replace") if release.is_file() else ""
    match = re.search(r'^JAVA_VERSION="(\d+)(?:\.(\d+))?', text, flags=re.M)
    if not match:
        try:
            out = subprocess.run(
                [str(home / "bin" / "java"), "-version"], capture_output=True, text=True, timeout=30
            ).stderr
        except (OSError, subprocess.SubprocessError):
            return None
        match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
        if not match:
            return None
    major = int(match[1])
    return int(match[2] or 0) if major == 1 else major


def find_java_home(settings: Settings | None = None, *, need_compiler: bool = False) -> JavaHome:
    """A JDK >= 21: ``NOTONELESS_JAVA_HOME`` (must fit), else ``JAVA_HOME`` when it fits,
    else the newest under /usr/lib/jvm (or the macOS JVM folder), else ``java`` on PATH."""
    settings = settings or get_settings()
    tool = "javac" if need_compiler else "java"

    def fits(home: Path) -> JavaHome | None:
        version = java_version(home)
        if version is not None and version >= MIN_JAVA and (home / "bin" / tool).is_file():
            return JavaHome(home, version)
        return None

    if settings.java_home is not None:
        found = fits(settings.java_home)
        if found is None:
            version = java_version(settings.java_home)
            what = f"Java {version}" if version else "no JDK"
            raise GraphError(
                f"NOTONELESS_JAVA_HOME={settings.java_home} is {what}, the local Neo4j needs a JDK "
                f"{MIN_JAVA}+ (with {tool}): {INSTALL_HINT}."
            )
        return found
    candidates: list[Path] = []
    if settings.system_java_home is not None:
        candidates.append(settings.system_java_home)
    found_in_dirs = []
    for base in JVM_SEARCH_DIRS:
        if base.is_dir():
            for home in base.iterdir():
                home = home / "Contents" / "Home" if (home / "Contents" / "Home").is_dir() else home
                found_in_dirs.append(home)
    candidates += sorted(found_in_dirs, key=lambda h: (java_version(h) or 0, str(h)), reverse=True)
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    for home in candidates:
        found = fits(home)
        if found is not None:
            return found
    seen = ", ".join(f"{h} (Java {java_version(h)})" for h in dict.fromkeys(candidates) if java_version(h))
    raise GraphError(
        f"No JDK {MIN_JAVA} or newer found (seen: {seen or 'none'}): the local Neo4j needs one; {INSTALL_HINT}."
    )


# --- building with Maven ---------------------------------------------------------


def _jar(server_dir: Path) -> Path:
    return server_dir / "target" / JAR_NAME


def _stamp(server_dir: Path) -> Path:
    return server_dir / "target" / ".notoneless-built"


def is_built(server_dir: Path | None = None) -> bool:
    """The jars exist and are newer than ``pom.xml`` and the Java sources."""
    server_dir = server_dir or default_server_dir()
    stamp = _stamp(server_dir)
    if not (stamp.is_file() and _jar(server_dir).is_file() and any((server_dir / "target" / "lib").glob("*.jar"))):
        return False
    sources = [server_dir / "pom.xml", *(server_dir / "src").rglob("*")]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0.0)
    return stamp.stat().st_mtime >= newest


def build(settings: Settings | None = None, *, server_dir: Path | None = None, force: bool = False) -> bool:
    """Build ``graph_server/`` with Maven (offline from ``~/.m2`` when it can, else online).

    Returns False when the jars were already up to date. Serialised by a file lock, so
    parallel test sessions do not build into the same ``target/`` at once.
    """
    server_dir = server_dir or default_server_dir(settings)
    if not (server_dir / "pom.xml").is_file():
        raise GraphError(
            f"{server_dir}/pom.xml not found: the local Neo4j is built from graph_server/ (shipped with the "
            "package); reinstall NotOneLess or set NOTONELESS_GRAPH_URI to a Neo4j server."
        )
    if not force and is_built(server_dir):
        return False
    mvn = shutil.which("mvn")
    if mvn is None:
        raise GraphError(
            "Maven (mvn) not found: it builds the local Neo4j; install it (e.g. `sudo apt-get install maven`) "
            "or set NOTONELESS_GRAPH_URI to a Neo4j server."
        )
    java = find_java_home(settings, need_compiler=True)
    target = server_dir / "target"
    target.mkdir(exist_ok=True)
    with open(target / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and is_built(server_dir):
            return False  # built by another process while we waited
        _stamp(server_dir).unlink(missing_ok=True)
        log = target / "build.log"
        # The child gets our environment plus JAVA_HOME (Maven picks its JDK from it).
        env = {**os.environ, "JAVA_HOME": str(java.path)}
        for offline in (True, False):
            command = [mvn, "-B", "-q", *(["-o"] if offline else []), "package"]
            with open(log, "w") as out:
                done = subprocess.run(
                    command, cwd=server_dir, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                )
            if done.returncode == 0:
                _stamp(server_dir).touch()
                return True
        errors = [line for line in log.read_text(errors="replace").splitlines() if "[ERROR]" in line]
        first = errors[0].replace("[ERROR]", "").strip() if errors else f"mvn exited with {done.returncode}"
        raise GraphError(f"Maven could not build the local Neo4j ({first[:300]}); full log: {log}")


# --- the running server ----------------------------------------------------------


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


def server_paths(settings: Settings | None = None) -> ServerPaths:
    settings = settings or get_settings()
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


def status(settings: Settings | None = None) -> ServerStatus:
    """Whether the local server of this workspace runs, and where."""
    paths = server_paths(settings)
    pid = _read_int(paths.pid)
    if pid is not None and _is_our_server(pid, paths.home):
        return ServerStatus(True, pid, _read_int(paths.port), paths.log)
    return ServerStatus(False, None, None, paths.log)


def read_password(settings: Settings | None = None) -> str:
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


def _java_command(java: JavaHome, server_dir: Path, paths: ServerPaths, port: int, settings: Settings) -> list[str]:
    flags = list(JVM_FLAGS)
    if java.version >= 24:
        flags.append("--sun-misc-unsafe-memory-access=allow")
    classpath = f"{_jar(server_dir)}{os.pathsep}{server_dir / 'target' / 'lib'}/*"
    return [
        str(java.java),
        f"-Xms{settings.graph_heap}",
        f"-Xmx{settings.graph_heap}",
        *flags,
        "-cp",
        classpath,
        MAIN_CLASS,
        str(paths.home),
        str(port),
        str(paths.password),
        settings.graph_pagecache,
    ]


def start(
    settings: Settings | None = None, *, server_dir: Path | None = None, timeout: float = START_TIMEOUT_S
) -> ServerStatus:
    """Start the local server in the background (building it first if needed).

    A no-op when it already runs (``started`` is False then). Returns once the server
    has announced that the password is set and Bolt answers.
    """
    settings = settings or get_settings()
    server_dir = server_dir or default_server_dir(settings)
    current = status(settings)
    if current.running:
        return current
    build(settings, server_dir=server_dir)
    java = find_java_home(settings)
    paths = server_paths(settings)
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.home.chmod(0o700)
    _ensure_password(paths.password)
    paths.pid.unlink(missing_ok=True)
    paths.port.unlink(missing_ok=True)

    port = settings.graph_port if _port_is_free(settings.graph_port) else free_port()
    offset = paths.log.stat().st_size if paths.log.exists() else 0
    with open(paths.log, "ab") as log:
        process = subprocess.Popen(
            _java_command(java, server_dir, paths, port, settings),
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


def stop(settings: Settings | None = None, *, timeout: float = STOP_TIMEOUT_S) -> bool:
    """Stop the local server cleanly (SIGTERM, then wait for it to exit).

    Returns False when it was not running.
    """
    paths = server_paths(settings)
    current = status(settings)
    if current.running and current.pid is not None:
        _terminate(current.pid, paths.home, timeout)
    paths.pid.unlink(missing_ok=True)
    paths.port.unlink(missing_ok=True)
    return current.running
