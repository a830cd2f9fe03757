"""The wheel carries the files the package needs (src/notoneless/resources.py).

Builds the wheel from the repository's files (offline, no build isolation), installs it
non-editable into a fresh venv that borrows only the *dependencies* from this venv,
and runs the installed ``notoneless`` from a folder outside the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from notoneless import resources
from notoneless.config import Settings
from notoneless.graph import server
from notoneless.graph.store import GraphStore

REPO = Path(__file__).resolve().parents[1]


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{command} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy of the repository's files (tracked or not ignored), so the build
    # leaves nothing (build/, egg-info) in the checkout.
    copy = tmp_path_factory.mktemp("source")
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: copy all but the usual litter
        litter = shutil.ignore_patterns(".git", ".venv", ".notoneless", "target", "build", "dist", "*.egg-info",
                                        "__pycache__", ".pytest_cache", ".hypothesis")
        shutil.copytree(REPO, copy, ignore=litter, dirs_exist_ok=True)
    else:
        for name in filter(None, listed.split("\0")):
            source = REPO / name
            if source.is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                (copy / name).write_bytes(source.read_bytes())
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(dist), str(copy)],
        cwd=dist,
    )
    [built] = dist.glob("notoneless-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    python = env_dir / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    # The dependencies come from this venv's site-packages, appended to sys.path by a
    # .pth line (its own .pth files, among them the editable install's, are not run),
    # so `notoneless` itself can only come from the wheel.
    (purelib / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)])
    return env_dir


def _env(tmp: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTONELESS_") and k != "PYTHONPATH"}
    return {**env, "NOTONELESS_WORKSPACE": str(tmp / "ws"), "NOTONELESS_CACHE_DIR": str(tmp / "cache"), **more}


def test_wheel_holds_every_shipped_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for shipped in resources.SHIPPED:
        path = REPO / shipped
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        expected |= {"notoneless/_data/" + p.relative_to(REPO).as_posix() for p in files if "target" not in p.parts}
    assert expected, "nothing to ship?"
    assert expected <= names, sorted(expected - names)
    assert not any("/target/" in name for name in names)


CHECK = r"""
import json, sys
import notoneless
from notoneless import resources
from notoneless.api.contract import CONTRACT_PATH
from notoneless.config import Settings
from notoneless.graph import cypher_files, server_build
from notoneless.linkage import training

settings = Settings()
server_dir = server_build.default_server_dir(settings)
print(json.dumps({
    "package": notoneless.__file__,
    "source_checkout": resources.in_source_checkout(),
    "model": json.loads(training.default_model_path().read_text(encoding="utf-8")) is not None,
    "model_path": str(training.default_model_path()),
    "constraints": len(cypher_files.read_statements(cypher_files.default_schema_dir() / "constraints.cypher")),
    "queries": len(cypher_files.query_names(cypher_files.default_schema_dir() / "queries")),
    "openapi_title": json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))["info"]["title"],
    "pom": "<artifactId>" in (resources.graph_server_sources() / "pom.xml").read_text(encoding="utf-8"),
    "server_dir": str(server_dir),
    "server_pom": (server_dir / "pom.xml").is_file(),
    "server_java": len(list((server_dir / "src").rglob("*.java"))),
}))
"""


def test_installed_package_finds_its_files(venv: Path, tmp_path: Path) -> None:
    out = _run([str(venv / "bin" / "python"), "-c", CHECK], cwd=tmp_path, env=_env(tmp_path)).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    package = Path(seen["package"]).resolve()
    assert package.is_relative_to(venv.resolve()), package
    assert not package.is_relative_to(REPO), package
    assert seen["source_checkout"] is False
    assert Path(seen["model_path"]).resolve().is_relative_to(venv.resolve())
    assert seen["model"]
    assert seen["constraints"] >= 1
    assert seen["queries"] == len(cypher_files_names())
    assert seen["openapi_title"]
    assert seen["pom"]
    # An installed package builds the local server in the user cache, never in site-packages.
    assert Path(seen["server_dir"]).is_relative_to(tmp_path / "cache" / "graph_server")
    assert seen["server_pom"] and seen["server_java"] >= 1


def cypher_files_names() -> list[str]:
    from notoneless.graph import cypher_files

    return cypher_files.query_names(resources.graph_schema_dir() / "queries")


@pytest.mark.graph
def test_installed_cli_runs_outside_the_repository(
    venv: Path, tmp_path: Path, graph_store: GraphStore, graph_settings: Settings
) -> None:
    notoneless = str(venv / "bin" / "notoneless")
    env = _env(tmp_path)
    assert "graph" in _run([notoneless, "--help"], cwd=tmp_path, env=env).stdout
    # status against this session's Neo4j: reads the installed graph_schema/ queries.
    env |= {"NOTONELESS_GRAPH_URI": graph_store.uri, "NOTONELESS_GRAPH_PASSWORD": server.read_password(graph_settings)}
    shown = _run([notoneless, "graph", "status"], cwd=tmp_path, env=env).stdout
    assert graph_store.uri in shown and "Neo4j" in shown
