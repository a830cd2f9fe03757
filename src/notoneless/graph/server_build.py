"""Building the local Neo4j server (``graph_server/``, one Java class and its
dependencies) with Maven: where it is built (``default_server_dir``: the checkout's
``graph_server/``, or for an installed package a copy under the user cache), whether the
jars are up to date, and the build itself, offline from ``~/.m2`` when it can,
serialised by a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from notoneless import resources
from notoneless.config import Settings
from notoneless.errors import GraphError
from notoneless.graph.jdk import find_java_home

JAR_NAME = "graph-server.jar"


def default_server_dir(settings: Settings) -> Path:
    """Where the local server is built: ``graph_server/`` itself in a source checkout;
    for an installed package, a copy of its shipped sources under the user's cache,
    ``<cache>/graph_server/<hash of the sources>/`` (see :meth:`Settings.user_cache_dir`),
    so a new version builds beside the old one and site-packages is never written to."""
    sources = resources.graph_server_sources()
    if resources.in_source_checkout():
        return sources
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


def jar_path(server_dir: Path) -> Path:
    return server_dir / "target" / JAR_NAME


def _stamp(server_dir: Path) -> Path:
    return server_dir / "target" / ".notoneless-built"


def is_built(server_dir: Path) -> bool:
    """The jars exist and are newer than ``pom.xml`` and the Java sources."""
    stamp = _stamp(server_dir)
    if not (stamp.is_file() and jar_path(server_dir).is_file() and any((server_dir / "target" / "lib").glob("*.jar"))):
        return False
    sources = [server_dir / "pom.xml", *(server_dir / "src").rglob("*")]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0.0)
    return stamp.stat().st_mtime >= newest


def build(settings: Settings, *, server_dir: Path | None = None, force: bool = False) -> bool:
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
