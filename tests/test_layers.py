"""The layers of ``src/notoneless`` point down only (docs/architecture.md draws them).

Every import of every module is read from its source (``ast``: top-level imports, the
ones inside functions and the ``TYPE_CHECKING`` ones alike) and mapped to the part of
the package it names. A module may import its own part, and any part of a layer below
its own; never a layer above. Parts of one layer may import each other, but the parts
form no cycle. A new top-level module or package must be given a layer here first.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import notoneless

PACKAGE = Path(notoneless.__file__).resolve().parent

# Bottom to top. One line a layer: its name and the parts (top-level modules or
# subpackages of notoneless) that belong to it.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("foundation", frozenset({"__init__", "errors", "config", "localtime", "resources", "handoffs", "workspace_lock",
                              "workbook"})),
    ("normalize", frozenset({"normalize"})),
    ("bundle", frozenset({"bundle"})),
    ("linkage", frozenset({"linkage"})),
    ("graph", frozenset({"graph"})),
    ("checks", frozenset({"checks"})),
    ("domain", frozenset({"access", "cases", "decisions", "contacts"})),
    ("services", frozenset({"trail", "export", "run", "backup", "services"})),
    ("tools", frozenset({"synth", "evaluation"})),
    ("http", frozenset({"api", "web"})),
    ("commands", frozenset({"commands"})),
    ("cli", frozenset({"cli"})),
)


def layer_of(part: str, layers: tuple[tuple[str, frozenset[str]], ...] = LAYERS) -> int:
    for i, (_name, parts) in enumerate(layers):
        if part in parts:
            return i
    raise KeyError(part)


def part_of(module: str) -> str:
    """``notoneless.cases.ledger`` → ``cases``; ``notoneless`` → ``__init__``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        yield name.removesuffix(".__init__"), path


def imported(module: str, source: str, is_package: bool) -> set[str]:
    """The notoneless modules ``source`` (the text of ``module``) imports."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "notoneless")
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "notoneless":
                continue
            if target == "notoneless":  # from notoneless import export: the names are parts
                out.update(f"notoneless.{a.name}" for a in node.names)
            else:
                out.add(target)
    return out


def upward_imports(sources: dict[str, tuple[str, bool]],
                   layers: tuple[tuple[str, frozenset[str]], ...] = LAYERS) -> list[str]:
    """Every import that goes up a layer, as ``a -> b (layer x imports layer y)``."""
    bad = []
    for module, (source, is_package) in sources.items():
        here = layer_of(part_of(module), layers)
        for target in sorted(imported(module, source, is_package)):
            there = layer_of(part_of(target), layers)
            if there > here:
                bad.append(f"{module} -> {target} ({layers[here][0]} imports {layers[there][0]})")
    return bad


def part_cycles(sources: dict[str, tuple[str, bool]]) -> list[list[str]]:
    """Cycles among the parts (a part importing another that imports it back)."""
    import networkx as nx

    g = nx.DiGraph()
    for module, (source, is_package) in sources.items():
        for target in imported(module, source, is_package):
            a, b = part_of(module), part_of(target)
            if a != b:
                g.add_edge(a, b)
    return [sorted(c) for c in nx.simple_cycles(g)]


@pytest.fixture(scope="module")
def sources() -> dict[str, tuple[str, bool]]:
    return {name: (path.read_text(encoding="utf-8"), path.name == "__init__.py") for name, path in modules()}


def test_every_part_has_a_layer(sources) -> None:
    unknown = set()
    for module in sources:
        try:
            layer_of(part_of(module))
        except KeyError:
            unknown.add(part_of(module))
    assert not unknown, f"give these parts a layer in LAYERS (and in docs/architecture.md): {sorted(unknown)}"


def test_layers_point_down_only(sources) -> None:
    assert upward_imports(sources) == []


def test_parts_form_no_cycle(sources) -> None:
    assert part_cycles(sources) == []


def test_the_check_sees_an_upward_import_of_every_kind() -> None:
    # The same checker on modules written to break the rules: a top-level import, one
    # inside a function, a relative one and a TYPE_CHECKING one, each going up.
    planted = {
        "notoneless.normalize.x": ("from notoneless.bundle.schema import FILES\n", False),
        "notoneless.cases.y": ("def f():\n    from notoneless.api.app import create_app\n", False),
        "notoneless.graph": ("from .. import run\n", True),
        "notoneless.linkage.z": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import notoneless.checks.findings\n", False),
        "notoneless.checks.ok": ("from notoneless.graph.store import GraphStore\n", False),  # down: allowed
    }
    bad = upward_imports(planted)
    assert [b.split(" -> ")[0] for b in bad] == [
        "notoneless.normalize.x", "notoneless.cases.y", "notoneless.graph", "notoneless.linkage.z"]


def test_removing_a_rule_is_seen_on_the_real_code(sources) -> None:
    # The rules as written are what holds the code: put bundle below normalize, and the
    # real imports of bundle's normalisers point up.
    swapped = list(LAYERS)
    i = [n for n, _ in LAYERS].index("bundle")
    swapped[i - 1], swapped[i] = swapped[i], swapped[i - 1]  # bundle below normalize
    assert upward_imports(sources, tuple(swapped)), "bundle imports normalize: swapping them must be caught"


def test_the_cycle_check_sees_a_cycle() -> None:
    planted = {
        "notoneless.cases.a": ("from notoneless.contacts.b import x\n", False),
        "notoneless.contacts.b": ("from notoneless.cases.a import y\n", False),
    }
    assert part_cycles(planted) == [["cases", "contacts"]]


def test_every_package_says_what_it_holds_and_may_import() -> None:
    # Each package opens with a docstring: what it holds, then a "May import" paragraph
    # that a reader checks against LAYERS (and this test's neighbours enforce).
    missing = []
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if init.parent == PACKAGE:
            continue  # the root names the layers themselves
        if not doc or "May import" not in doc:
            missing.append(init.parent.relative_to(PACKAGE.parent).as_posix())
    namespace = [d.relative_to(PACKAGE.parent).as_posix() for d in PACKAGE.rglob("*")
                 if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py")) and not (d / "__init__.py").exists()]
    assert not missing and not namespace, (missing, namespace)
