"""The project's Cypher, kept as files under ``graph_schema/`` (see its README, "Query files").

- ``graph_schema/constraints.cypher``, ``graph_schema/indexes.cypher``: several
  statements separated by ``;``, applied by :meth:`GraphStore.init_schema`.
- ``graph_schema/queries/<name>.cypher``: one named statement per file, e.g.
  ``queries/checks/unmatched_children.cypher`` is the query ``checks/unmatched_children``.
  Leading ``//`` comment lines may hold ``// @example {json}``: representative
  parameters, used by the test that runs every statement against Neo4j.
- ``graph_schema/fragments/<name>.cypher``: a part of statements, not a statement (e.g.
  ``case_scope``, the predicate of which cases a caller may see), written once and
  placed into each statement that says ``{{name}}`` where it stands, in parentheses,
  when the statement's file is read (``read_statements``): a rule several queries
  share has one home and cannot drift.

This module only reads files; it does not talk to Neo4j (that is ``store.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from notoneless import resources
from notoneless.errors import GraphError

SCHEMA_FILES = ("constraints.cypher", "indexes.cypher")
_EXAMPLE = re.compile(r"^\s*//\s*@example\s+(?P<json>\{.*\})\s*$")
_PARAMETER = re.compile(r"\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
_INCLUDE = re.compile(r"\{\{\s*(?P<name>[a-z0-9_]+)\s*\}\}")
FRAGMENTS = "fragments"  # graph_schema/fragments/: parts of statements ({{name}})


def default_schema_dir() -> Path:
    """``graph_schema/``: the repository's in a source checkout, else the installed package's."""
    return resources.graph_schema_dir()


@dataclass(frozen=True)
class CypherStatement:
    """One statement of a ``.cypher`` file, with the parameters its file gives as an example."""

    path: Path
    index: int  # 0-based position in its file
    text: str
    example: dict[str, Any] | None

    @property
    def label(self) -> str:
        return f"{self.path.name}#{self.index + 1}" if self.index else self.path.name

    def parameters(self) -> set[str]:
        return parameter_names(self.text)


def parameter_names(text: str) -> set[str]:
    """Names of the ``$parameters`` a statement uses (comments and strings excluded)."""
    return set(_PARAMETER.findall(code_only(text)))


def split_statements(text: str) -> list[str]:
    """Split Cypher text on the ``;`` that end statements.

    Written here because neither Neo4j nor its driver offers a client-side splitter;
    it skips ``;`` inside strings, backquoted names and comments. Returns the
    statements without their ``;``, dropping ones that hold only comments.
    """
    statements: list[str] = []
    current: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            end = i + 1
            while end < n and text[end] != ch:
                end += 2 if text[end] == "\\" and ch != "`" else 1
            current.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            current.append(text[i:end])
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            current.append(text[i:end])
            i = end
        elif ch == ";":
            statements.append("".join(current))
            current = []
            i += 1
        else:
            current.append(ch)
            i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if code_only(s).strip()]


def code_only(text: str) -> str:
    """The text with comments and string literals blanked (for finding parameters)."""
    return re.sub(r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", " ", text, flags=re.S)


def read_example(text: str, path: Path) -> dict[str, Any] | None:
    """The ``// @example {json}`` of a file's leading comment lines, or None."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            break
        match = _EXAMPLE.match(stripped)
        if match:
            try:
                value = json.loads(match["json"])
            except json.JSONDecodeError as exc:
                raise GraphError(f"{path}: the @example line is not valid JSON ({exc.msg}); fix it") from exc
            if not isinstance(value, dict):
                raise GraphError(f"{path}: the @example must be a JSON object of parameters")
            return value
    return None


def fragment_path(path: Path, name: str) -> Path | None:
    """``fragments/<name>.cypher`` of the nearest folder above ``path`` that has it."""
    for folder in path.parents:
        candidate = folder / FRAGMENTS / f"{name}.cypher"
        if candidate.is_file():
            return candidate
    return None


def fragment_text(path: Path) -> str:
    """A fragment's code: its leading ``//`` comment lines (its documentation) dropped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (not lines[0].strip() or lines[0].strip().startswith("//")):
        lines.pop(0)
    return "\n".join(lines).strip()


def expand_fragments(text: str, path: Path) -> str:
    """``text`` with each ``{{name}}`` replaced by the fragment ``name``, in parentheses
    (fragments do not include others)."""

    def place(match: re.Match[str]) -> str:
        found = fragment_path(path, match["name"])
        if found is None:
            raise GraphError(f"{path}: no fragment {match['name']!r} (fragments/{match['name']}.cypher) above it")
        return f"({fragment_text(found)})"

    lines = []
    for line in text.splitlines(keepends=True):  # never inside a // comment
        code, sep, comment = line.partition("//")
        lines.append(_INCLUDE.sub(place, code) + sep + comment)
    return "".join(lines)


def fragments_used(path: Path) -> set[str]:
    """The names of the fragments a ``.cypher`` file places (``{{name}}``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {name for line in lines for name in _INCLUDE.findall(line.partition("//")[0])}


def read_statements(path: Path) -> list[CypherStatement]:
    """Every statement of one ``.cypher`` file, its fragments placed (the file's example
    applies to each)."""
    text = expand_fragments(path.read_text(encoding="utf-8"), path)
    example = read_example(text, path)
    return [CypherStatement(path, i, s, example) for i, s in enumerate(split_statements(text))]


def check_query_name(name: str) -> None:
    if not _NAME.match(name):
        raise GraphError(
            f"Invalid query name {name!r}: use the path under graph_schema/queries/ without "
            "'.cypher', in lower case, e.g. 'checks/unmatched_children'."
        )


@lru_cache(maxsize=None)
def _read_query(path: Path, mtime_ns: int) -> str:
    statements = read_statements(path)
    if len(statements) != 1:
        raise GraphError(f"{path} holds {len(statements)} statements; a query file holds exactly one.")
    return statements[0].text


def query_text(query_dirs: Sequence[Path], name: str) -> str:
    """The statement of ``<dir>/<name>.cypher`` from the first of ``query_dirs`` that has it
    (its comments kept, no trailing ``;``)."""
    check_query_name(name)
    for directory in query_dirs:
        path = directory / f"{name}.cypher"
        try:
            mtime_ns = path.stat().st_mtime_ns
        except FileNotFoundError:
            continue
        return _read_query(path, mtime_ns)
    looked = ", ".join(str(d) for d in query_dirs)
    raise GraphError(f"No query named {name!r}: no {name}.cypher in {looked}.")


def query_names(query_dir: Path) -> list[str]:
    """Names of every query file under ``query_dir`` (e.g. ``graph_schema/queries``), sorted."""
    return sorted(p.relative_to(query_dir).with_suffix("").as_posix() for p in query_dir.rglob("*.cypher"))
