"""Where the files the package needs are: the one place that locates them.

They live at the top level of the repository (``graph_schema/``, ``linkage_models/``,
``api/openapi.json``, ``graph_server/``) and travel in the wheel as package data under
``notoneless/_data/`` (``setup.py`` copies them there when it builds the wheel).

- In a source checkout (this package imported from ``<repo>/src/notoneless``, as after
  ``pip install -e .``) the repository's own files are used, so edits are live and
  ``api/openapi.json`` is written where it is committed.
- Installed from a wheel, they are read through :mod:`importlib.resources`.

Callers get :class:`pathlib.Path` objects: a wheel is always unpacked on disk, and a
package imported from a zip is refused with a clear message.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from notoneless.errors import NotOneLessError

DATA_PACKAGE_DIR = "_data"  # notoneless/_data/ in an installed wheel
# What the wheel carries (setup.py reads this list): top-level paths of the repository.
SHIPPED = ("graph_schema", "linkage_models", "api/openapi.json", "graph_server/pom.xml", "graph_server/src")


@lru_cache(maxsize=1)
def source_root() -> Path | None:
    """The repository root when this package is imported from a source checkout, else None."""
    package = Path(__file__).resolve().parent  # <repo>/src/notoneless
    root = package.parent.parent
    if package.parent.name == "src" and (root / "pyproject.toml").is_file() and (root / "graph_schema").is_dir():
        return root
    return None


def in_source_checkout() -> bool:
    return source_root() is not None


def _data_root() -> Path:
    root = source_root()
    if root is not None:
        return root
    data = resources.files("notoneless") / DATA_PACKAGE_DIR
    if not isinstance(data, Path):
        raise NotOneLessError(
            f"notoneless is imported from {data!r}, not from a folder: install the wheel with pip "
            "(its data files must be on disk)."
        )
    if not data.is_dir():
        raise NotOneLessError(
            f"{data} is missing: this notoneless was installed without its data files; "
            "reinstall it from a wheel or from a clone (pip install -e .)."
        )
    return data


def graph_schema_dir() -> Path:
    """``graph_schema/``: constraints, indexes and the named queries."""
    return _data_root() / "graph_schema"


def default_model_path() -> Path:
    """``linkage_models/default_model.json``: the committed default linkage model."""
    return _data_root() / "linkage_models" / "default_model.json"


def openapi_contract_path() -> Path:
    """``api/openapi.json``: the published API contract (written only in a source checkout)."""
    return _data_root() / "api" / "openapi.json"


def graph_server_sources() -> Path:
    """``graph_server/`` as shipped: ``pom.xml`` and ``src/`` (no ``target/``).

    In a source checkout this is the repository's folder, where the server is also
    built; an installed package builds a copy elsewhere (see ``graph.server``)."""
    return _data_root() / "graph_server"
