"""Every statement of every ``.cypher`` file runs on the real local Neo4j without an
error and without a notification (deprecation, cartesian product, unknown label, type
or property …), on the schema plus a small fixture graph.

Files are found at collection time, so queries added later are covered without
touching this test. The deliberately bad queries of ``tests/fixtures/bad_queries/``
prove the check catches what it should.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from notoneless.errors import GraphError
from notoneless.graph import cypher_files
from notoneless.graph.store import GraphStore

pytestmark = pytest.mark.graph

REPO = Path(__file__).resolve().parents[1]
SCHEMA_DIR = cypher_files.default_schema_dir()
FIXTURES = Path(__file__).parent / "fixtures"
# Every folder of Cypher the project runs: the schema and its queries, plus the
# queries benchmarks and tests keep beside themselves.
CHECKED_DIRS = [SCHEMA_DIR, REPO / "benchmarks" / "queries", FIXTURES / "queries"]
SCHEMA_FILES = {SCHEMA_DIR / name for name in cypher_files.SCHEMA_FILES}
# The schema files ran in init_schema already; running them again may only say so.
ALREADY_EXISTS = "00NA0"
_EXPECT = re.compile(r"^\s*//\s*@expect\s+(\S+)\s*$", re.M)


def _statements(dirs: list[Path]) -> list[cypher_files.CypherStatement]:
    found = []
    for directory in dirs:
        for path in sorted(directory.rglob("*.cypher")) if directory.is_dir() else []:
            if cypher_files.FRAGMENTS not in path.relative_to(directory).parts:  # parts, placed into statements
                found += cypher_files.read_statements(path)
    return found


_WRITES = re.compile(r"\b(CREATE|MERGE|SET|REMOVE)\b", re.I)
_DELETES = re.compile(r"\bDELETE\b", re.I)


def _stage(statement: cypher_files.CypherStatement) -> int:
    """When a statement runs: loads (they build the fixture graph), other writes (they set
    the properties later queries read), reads, and last the deletes."""
    code = cypher_files.code_only(statement.text)
    if _DELETES.search(code):
        return 3
    if "load" in statement.path.parts or "rows" in statement.parameters():
        return 0
    return 1 if _WRITES.search(code) else 2


def _is_write(statement: cypher_files.CypherStatement) -> bool:
    return _stage(statement) in (0, 1)


STATEMENTS = _statements(CHECKED_DIRS)
STATEMENTS.sort(key=lambda s: (_stage(s), str(s.path), s.index))
BAD_STATEMENTS = _statements([FIXTURES / "bad_queries"])


def _id(statement: cypher_files.CypherStatement) -> str:
    path = statement.path.relative_to(REPO).as_posix()
    return f"{path}#{statement.index + 1}" if statement.index else path


def problems_of(store: GraphStore, statement: cypher_files.CypherStatement) -> list[str]:
    """What is wrong with one statement: a missing example, an error, or notifications."""
    needed = statement.parameters()
    example = statement.example or {}
    if needed - example.keys():
        missing = ", ".join(sorted(needed - example.keys()))
        return [f"no '// @example {{json}}' value for ${missing}: add one to the file's leading comments"]
    try:
        notes = store.notifications_for(statement.text, example)
    except GraphError as exc:
        return [f"error: {exc}"]
    if statement.path in SCHEMA_FILES:
        notes = [note for note in notes if not note.startswith(ALREADY_EXISTS)]
    return notes


@dataclass
class FixtureGraph:
    store: GraphStore
    write_problems: dict[str, list[str]]  # what each write statement met when it built the graph


@pytest.fixture(scope="module")
def fixture_graph(graph_store: GraphStore) -> Iterator[FixtureGraph]:
    """The schema plus a small graph: tests/fixtures/graph_fixture.cypher, then every
    write statement run once with its example (its check is that run: a CREATE is not
    idempotent and cannot run twice)."""
    graph_store.clear()
    for statement in cypher_files.read_statements(FIXTURES / "graph_fixture.cypher"):
        graph_store.notifications_for(statement.text, statement.example or {})
    write_problems = {_id(s): problems_of(graph_store, s) for s in STATEMENTS if _is_write(s)}
    yield FixtureGraph(graph_store, write_problems)
    graph_store.clear()


def test_the_check_finds_the_project_queries() -> None:
    names = {_id(s) for s in STATEMENTS}
    assert "graph_schema/constraints.cypher" in names
    assert "graph_schema/queries/store/node_counts.cypher" in names
    fragments = list((SCHEMA_DIR / cypher_files.FRAGMENTS).glob("*.cypher"))
    assert len(STATEMENTS) >= len(list(SCHEMA_DIR.rglob("*.cypher"))) - len(fragments)


def test_every_fragment_is_placed_and_placed_whole() -> None:
    """A fragment is run through the statements that place it (each with its example), so
    each must be placed somewhere; no ``{{name}}`` is left in any statement."""
    fragments = {p.stem for p in (SCHEMA_DIR / cypher_files.FRAGMENTS).glob("*.cypher")}
    used = {name for path in SCHEMA_DIR.rglob("*.cypher") for name in cypher_files.fragments_used(path)}
    assert fragments and fragments == used
    assert not [_id(s) for s in STATEMENTS if "{{" in cypher_files.code_only(s.text)]
    scope = cypher_files.fragment_text(SCHEMA_DIR / cypher_files.FRAGMENTS / "case_scope.cypher")
    for name in ("cases/in_scope", "api/cases/list", "web/cases", "web/dashboard"):
        assert scope in cypher_files.query_text([SCHEMA_DIR / "queries"], name), name


@pytest.mark.parametrize("statement", STATEMENTS, ids=_id)
def test_statement_runs_without_error_or_notification(
    fixture_graph: FixtureGraph, statement: cypher_files.CypherStatement
) -> None:
    if _is_write(statement):
        problems = fixture_graph.write_problems[_id(statement)]
    else:
        problems = problems_of(fixture_graph.store, statement)
    assert problems == []


@pytest.mark.parametrize("statement", BAD_STATEMENTS, ids=_id)
def test_bad_statement_is_caught(fixture_graph: FixtureGraph, statement: cypher_files.CypherStatement) -> None:
    expected = _EXPECT.findall(statement.path.read_text(encoding="utf-8"))
    assert expected, f"{statement.path} must say what it expects with '// @expect <code>'"
    problems = problems_of(fixture_graph.store, statement)
    assert problems, f"{_id(statement)} passed the check but should not"
    assert any(code in problem for code in expected for problem in problems), problems


def test_bad_fixtures_cover_each_kind() -> None:
    expected = {code for s in BAD_STATEMENTS for code in _EXPECT.findall(s.path.read_text(encoding="utf-8"))}
    # cartesian product, unknown label, unknown property, deprecated feature
    assert {"03N90", "01N50", "01N52", "01N01"} <= expected


def test_split_statements_respects_strings_and_comments() -> None:
    text = "CREATE (:A {s: 'a;b'}); // c;d\nMATCH (n:`x;y`) RETURN n /* e;f */;\n// only a comment;\n"
    assert cypher_files.split_statements(text) == [
        "CREATE (:A {s: 'a;b'})",
        "// c;d\nMATCH (n:`x;y`) RETURN n /* e;f */",
    ]


def test_parameters_ignore_strings_and_comments() -> None:
    statement = cypher_files.CypherStatement(
        Path("x.cypher"), 0, "// $not_this\nMATCH (n {a: $a}) WHERE n.b = '$nor_this' RETURN $b", None
    )
    assert statement.parameters() == {"a", "b"}
