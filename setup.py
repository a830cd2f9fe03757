"""Puts the repository's top-level data folders into the wheel as ``notoneless/_data/``.

They stay at the top level of the repository (graph_schema/, linkage_models/,
api/openapi.json, graph_server/ without target/); the list is
``notoneless.resources.SHIPPED``. An editable install (``pip install -e .``) copies
nothing: the package then reads the repository's files (see src/notoneless/resources.py).
Everything else is in pyproject.toml; MANIFEST.in puts the same folders in the sdist.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Kept in step with notoneless.resources.SHIPPED (tests/test_wheel.py checks the wheel).
SHIPPED = ("graph_schema", "linkage_models", "api/openapi.json", "graph_server/pom.xml", "graph_server/src")


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        data = Path(self.build_lib) / "notoneless" / "_data"
        for name in SHIPPED:
            source, target = ROOT / name, data / name
            if not source.exists():
                raise FileNotFoundError(f"{source} is missing: the wheel needs it")
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(
                    source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "target", "*.pyc")
                )
            else:
                shutil.copy2(source, target)


setup(cmdclass={"build_py": build_py_with_data})
