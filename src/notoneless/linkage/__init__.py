"""Linkage: one person across six systems (Splink 5 on DuckDB).

``link`` (scoring.py) runs the whole stage; ``explain_pair`` (explain.py) says why two
records are or are not one person. The model's shape is in model.py and
comparisons.py, its training in training.py, clustering in clustering.py (its steps in
cluster_edges.py, components.py, cluster_guard.py and conflicts.py) and stable person
ids in stable_ids.py.

May import the foundation, ``normalize`` and ``bundle``; never the graph or above.
"""

from __future__ import annotations

from typing import Any

__all__ = ["link", "LinkReport", "explain_pair", "Explanation"]


def __getattr__(name: str) -> Any:  # lazy: importing the package must not import Splink
    if name in ("link", "LinkReport"):
        from notoneless.linkage import scoring

        return getattr(scoring, name)
    if name in ("explain_pair", "Explanation"):
        from notoneless.linkage import explain

        return getattr(explain, name)
    raise AttributeError(name)
