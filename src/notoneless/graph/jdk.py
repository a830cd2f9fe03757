"""Finding the JDK the local Neo4j runs on (and, to build it, compiles with):
``NOTONELESS_JAVA_HOME`` when set, else the system's and the usual JVM directories;
the first JDK 21+ that fits wins, and a missing or old one is named with how
to install one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from notoneless.config import Settings
from notoneless.errors import GraphError

MIN_JAVA = 21
JVM_SEARCH_DIRS = (Path("/usr/lib/jvm"), Path("/Library/Java/JavaVirtualMachines"))
INSTALL_HINT = (
    "install a JDK 21 or newer (e.g. `sudo apt-get install openjdk-21-jdk-headless`, or Temurin 21/25) "
    "or set NOTONELESS_JAVA_HOME to one"
)


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


def find_java_home(settings: Settings, *, need_compiler: bool = False) -> JavaHome:
    """A JDK >= 21: ``NOTONELESS_JAVA_HOME`` (must fit), else ``JAVA_HOME`` when it fits,
    else the newest under /usr/lib/jvm (or the macOS JVM folder), else ``java`` on PATH."""
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
                f"21+ (with {tool}): {INSTALL_HINT}."
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
