"""The local Neo4j server: lifecycle, password, loopback only, errors (real server, real JVM)."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j.exceptions import AuthError
from typer.testing import CliRunner

from notoneless.cli import app
from notoneless.config import Settings, get_settings
from notoneless.errors import ConfigError, GraphError
from notoneless.graph import jdk, server
from notoneless.graph.store import GraphStore, open_graph

pytestmark = pytest.mark.graph

VERSION = re.compile(r"Neo4j \d{4}\.\d{2}\.\d+ community|Neo4j 5\.\d+\.\d+ community")


def _cli(args: list[str], settings: Settings) -> tuple[int, str]:
    env = {"NOTONELESS_WORKSPACE": str(settings.workspace), "NOTONELESS_GRAPH_PORT": str(settings.graph_port)}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, args, env=env)
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


def test_start_status_second_start_stop(tmp_path: Path) -> None:
    settings = Settings(
        workspace=tmp_path / "ws", graph_uri=None, graph_port=server.free_port(), graph_heap="512m", graph_pagecache="64m"
    )
    assert not server.status(settings).running
    code, output = _cli(["graph", "status"], settings)
    assert code == 1 and "未运行" in output

    first = server.start(settings)
    try:
        assert first.started and first.running and first.uri == f"bolt://127.0.0.1:{settings.graph_port}"
        password_file = server.server_paths(settings).password
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        password = password_file.read_text().strip()
        assert len(password) >= 32

        second = server.start(settings)
        assert not second.started and second.pid == first.pid
        code, output = _cli(["graph", "start"], settings)
        assert code == 0 and "已在运行" in output

        code, output = _cli(["graph", "status"], settings)
        assert code == 0, output
        assert "正在运行" in output and first.uri in output
        assert VERSION.search(output), output
        assert password not in output
        assert password not in server.server_paths(settings).log.read_text(errors="replace")
        # no usage report to Neo4j (GraphServer: udc_enabled false); Neo4j logs it when it would send one
        debug = (server.server_paths(settings).home / "logs" / "debug.log").read_text(errors="replace")
        assert "Bolt enabled" in debug and "Usage Data is being sent" not in debug
    finally:
        assert server.stop(settings)
    assert not server.status(settings).running
    assert not Path(f"/proc/{first.pid}").exists() or "Z" in Path(f"/proc/{first.pid}/stat").read_text()
    assert not server.stop(settings)  # stopping a stopped server says so, no error


def test_wrong_password_is_refused(graph_store: GraphStore) -> None:
    with pytest.raises(GraphError, match="refused the credentials") as caught:
        GraphStore.connect(graph_store.uri, "neo4j", "not-the-password")
    assert isinstance(caught.value.__cause__, AuthError)


def _listening_addresses(port: int) -> list[str]:
    """Local addresses with a LISTEN socket on ``port``, from /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def _non_loopback_addresses() -> list[str]:
    addresses = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            addresses.add(info[4][0])
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # UDP: sends nothing, picks the outgoing address
            addresses.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(a for a in addresses if not a.startswith("127.") and a != "0.0.0.0")


def test_server_listens_on_loopback_only(graph_store: GraphStore) -> None:
    port = int(graph_store.uri.rsplit(":", 1)[1])
    listening = _listening_addresses(port)
    assert listening, "the Bolt port is not listening"
    # 127.0.0.1 as IPv4, or as IPv4-mapped IPv6 (::ffff:127.0.0.1)
    assert set(listening) <= {"0100007F", "0000000000000000FFFF00000100007F"}, listening
    for address in _non_loopback_addresses():
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=3).close()
    with socket.create_connection(("127.0.0.1", port), timeout=3):
        pass


def test_second_start_of_the_session_server_is_a_no_op(graph_settings: Settings, graph_store: GraphStore) -> None:
    before = server.status(graph_settings)
    again = server.start(graph_settings)
    assert before.running and not again.started and again.pid == before.pid and again.uri == graph_store.uri


def test_the_server_starts_from_its_aot_cache_on_jdk_25(graph_settings: Settings, graph_store: GraphStore) -> None:
    # Made once per JDK and build (graph build, or the first start); a start then takes ~5 s, not ~8.
    cache = server.prepare_aot_cache(graph_settings)
    if jdk.find_java_home(graph_settings).version < server.AOT_MIN_JAVA:
        assert cache is None
        return
    assert cache is not None and cache.is_file() and cache.stat().st_size > 10_000_000
    running = server.status(graph_settings)
    cmdline = Path(f"/proc/{running.pid}/cmdline").read_bytes().split(b"\0")
    assert f"-XX:AOTCache={cache}".encode() in cmdline
    log = running.log.read_text(encoding="utf-8", errors="replace")
    assert "[aot]" not in log and "AOT cache" not in log, log[-2000:]  # the JVM took it without complaint


def test_open_graph_uses_the_running_local_server_and_leaves_it_running(graph_settings: Settings) -> None:
    with open_graph(graph_settings) as store:
        assert store.server_version()
    assert server.status(graph_settings).running


def test_open_graph_uses_a_configured_server(graph_settings: Settings, graph_store: GraphStore) -> None:
    remote = Settings(
        workspace=graph_settings.workspace / "unused",
        graph_uri=graph_store.uri,
        graph_password=server.read_password(graph_settings),
    )
    with open_graph(remote) as store:
        assert store.uri == graph_store.uri and store.node_counts() == graph_store.node_counts()
    assert not server.status(remote).running  # no local server was started for it
    with pytest.raises(ConfigError, match="NOTONELESS_GRAPH_PASSWORD"):
        with open_graph(remote.model_copy(update={"graph_password": None})):
            pass


def test_unreachable_server_is_one_line_error_without_traceback(tmp_path: Path) -> None:
    port = server.free_port()
    with pytest.raises(GraphError, match="无法连接图数据库"):
        GraphStore.connect(f"bolt://127.0.0.1:{port}", "neo4j", "whatever-password")
    done = subprocess.run(
        [sys.executable, "-c", "from notoneless.cli import main; main()", "graph", "status"],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),  # the sources under test, not an installed copy
            "NOTONELESS_WORKSPACE": str(tmp_path),
            "NOTONELESS_GRAPH_URI": f"bolt://127.0.0.1:{port}",
            "NOTONELESS_GRAPH_PASSWORD": "whatever-password",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == GraphError.exit_code
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "无法连接图数据库" in lines[0], done.stderr


def test_missing_jdk_is_named(tmp_path: Path) -> None:
    old = tmp_path / "jdk17"
    (old / "bin").mkdir(parents=True)
    (old / "bin" / "java").write_text("")
    (old / "release").write_text('JAVA_VERSION="17.0.2"\n')
    with pytest.raises(GraphError, match=r"is Java 17.*JDK 21\+"):
        jdk.find_java_home(Settings(java_home=old))
    with pytest.raises(GraphError, match="is no JDK"):
        jdk.find_java_home(Settings(java_home=tmp_path / "nothing"))


def test_a_fitting_jdk_is_found() -> None:
    found = jdk.find_java_home(Settings(java_home=None), need_compiler=True)
    assert found.version >= jdk.MIN_JAVA and (found.path / "bin" / "javac").is_file()


def test_a_port_taken_between_probe_and_bind_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers of several workspaces start at once: the probed port can be gone when the JVM binds."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(
            workspace=tmp_path / "ws", graph_uri=None, graph_port=port, graph_heap="512m", graph_pagecache="64m"
        )
        # the race, made certain: the probe says free, the JVM then finds the port taken
        monkeypatch.setattr(server, "_port_is_free", lambda _port: True)
        started = server.start(settings)
        try:
            assert started.running and started.port != port
            assert server.PORT_IN_USE in server.server_paths(settings).log.read_text(errors="replace")
            assert server.status(settings).port == started.port
        finally:
            server.stop(settings)
