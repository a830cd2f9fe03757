"""The one error hierarchy. Every message says what to do next.

The CLI prints ``str(error)`` on one line and exits with ``exit_code``; the API maps
``code`` and ``http_status`` to an RFC 9457 problem response.
"""

from __future__ import annotations


class NotOneLessError(Exception):
    """Base of every error the project raises on purpose."""

    code = "NOTONELESS_ERROR"
    http_status = 500
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class ConfigError(NotOneLessError):
    """A setting is missing or wrong."""

    code = "CONFIG_ERROR"
    exit_code = 2


class BundleError(NotOneLessError):
    """The bundle cannot be read (missing file, unreadable manifest, missing column)."""

    code = "BUNDLE_ERROR"
    http_status = 422
    exit_code = 2


class GraphError(NotOneLessError):
    """The graph store cannot be built, started or reached, or a query failed."""

    code = "GRAPH_ERROR"
    http_status = 503
    exit_code = 3


class LinkageError(NotOneLessError):
    """Linkage could not run (no records, a broken model file)."""

    code = "LINKAGE_ERROR"
    exit_code = 4


class CaseError(NotOneLessError):
    """An illegal case transition or a missing piece of evidence."""

    code = "CASE_ERROR"
    http_status = 409
    exit_code = 5
