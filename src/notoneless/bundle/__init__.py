"""Reading a bundle (the contract in ``spec/bundle.md``): manifest, files, header
aliases, encodings, rejects, staging into the DuckDB workspace.

Entry point: :func:`notoneless.bundle.ingest.ingest_bundle` (also importable from
here; loaded lazily so that ``notoneless.bundle.schema`` stays import-cycle free).

May import the foundation (``errors``, ``config``, ``handoffs``, …) and ``normalize``; nothing above.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FileCount", "IngestReport", "Manifest", "ingest_bundle", "load_manifest"]


def __getattr__(name: str) -> Any:
    if name in ("FileCount", "IngestReport", "ingest_bundle"):
        from notoneless.bundle import ingest

        return getattr(ingest, name)
    if name in ("Manifest", "load_manifest"):
        from notoneless.bundle import manifest

        return getattr(manifest, name)
    raise AttributeError(name)
