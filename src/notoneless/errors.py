"""The one error hierarchy: every error class of the project is declared here.

Each class carries a stable ``code``, an ``http_status`` (what the API answers) and an
``exit_code`` (what the CLI exits with). A raise may give a more specific ``code``; where
that code needs another HTTP status than its class's (a case that does not exist is a
``CaseError`` but a 404), :data:`STATUS_BY_CODE` says so, and the error takes it at
construction. Every message says what to do next.

The CLI prints ``str(error)`` on one line and exits with ``exit_code``; the API maps
``code`` and ``http_status`` to an RFC 9457 problem response (``api/exc.py``), naming
``field`` where the error is about one input.

This module imports nothing of the project: every layer may raise these.
"""

from __future__ import annotations

# HTTP status by code, where a code's status differs from its class's default.
STATUS_BY_CODE: dict[str, int] = {
    "CASE_NOT_FOUND": 404,
    "CASE_STATE_UNKNOWN": 422,
    "CASE_TYPE_UNKNOWN": 422,
    "CASE_EVIDENCE_FORMAT": 422,
    "CASE_EVIDENCE_KIND": 422,
    "CASE_ACTION_UNKNOWN": 422,
    "LINKAGE_ERROR": 409,  # no workspace yet, or the record is not in the last run's
    # identity decisions (notoneless.decisions)
    "DECISION_NOT_FOUND": 404,
    "DECISION_RECORD_NOT_FOUND": 404,
    "REVIEW_NOT_FOUND": 404,
    "DECISION_ALREADY_WITHDRAWN": 409,
    "DECISION_NOT_WITHDRAWABLE": 409,
    # who acts (notoneless.access): a role that may only read, a --by that is no user
    "ROLE_CANNOT_ACT": 403,
    "CASE_TRANSFER_PENDING": 403,  # a handed-over case: only the new county accepts or returns it
    "USER_MISSING": 422,
    "USER_UNKNOWN": 422,
    # managing users (access.users): a user out of the administrator's province is as unknown
    "USER_NOT_FOUND": 404,
    "USER_EXISTS": 409,
    "USER_SELF": 409,
    "USER_NAME_EMPTY": 422,
    "DIVISION_INVALID": 422,
    "ROLE_UNKNOWN": 422,
}


class NotOneLessError(Exception):
    """Base of every error the project raises on purpose."""

    code = "NOTONELESS_ERROR"
    http_status = 500
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 http_status: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.field = field  # the input at fault, when there is one
        self.http_status = http_status or STATUS_BY_CODE.get(self.code, type(self).http_status)


class ConfigError(NotOneLessError):
    """A setting is missing or wrong."""

    code = "CONFIG_ERROR"
    exit_code = 2


class BundleError(NotOneLessError):
    """The bundle cannot be read (missing file, unreadable manifest, missing column)."""

    code = "BUNDLE_ERROR"
    http_status = 422
    exit_code = 2


class OutputError(NotOneLessError):
    """The run's output directory cannot take the outputs (a file, not writable, no space)."""

    code = "OUTPUT_ERROR"
    http_status = 422
    exit_code = 2


class GraphError(NotOneLessError):
    """The graph store cannot be built, started or reached, or a query failed."""

    code = "GRAPH_ERROR"
    http_status = 503
    exit_code = 3


class AuditUnavailable(NotOneLessError):
    """A read's audit event cannot be made durable: the read fails and shows nothing."""

    code = "AUDIT_UNAVAILABLE"
    http_status = 503
    exit_code = 3


class WorkspaceBusy(NotOneLessError):
    """Another run (or a start or stop of the local server) holds the workspace's lock."""

    code = "WORKSPACE_BUSY"
    http_status = 409
    exit_code = 6


class WorkspaceMissing(NotOneLessError):
    """The workspace a command would use does not exist (a read never creates one)."""

    code = "WORKSPACE_MISSING"
    http_status = 500
    exit_code = 2


class LedgerMissing(NotOneLessError):
    """The workspace's run history exists but the graph holds no ledger of it."""

    code = "LEDGER_MISSING"
    http_status = 409
    exit_code = 7


class BackupError(NotOneLessError):
    """A backup cannot be written, or an archive cannot be restored."""

    code = "BACKUP_ERROR"
    http_status = 500
    exit_code = 2


class LinkageError(NotOneLessError):
    """Linkage could not run (no records, a broken model file), or a pair cannot be explained."""

    code = "LINKAGE_ERROR"
    exit_code = 4


class CaseError(NotOneLessError):
    """An illegal case transition or a missing piece of evidence."""

    code = "CASE_ERROR"
    http_status = 409
    exit_code = 5


class PersonNotFound(NotOneLessError):
    """No person has this 人员编号, ID number or 学籍号 (or none in the caller's division)."""

    code = "PERSON_NOT_FOUND"
    http_status = 404
    exit_code = 1


class AccessError(NotOneLessError):
    """A user cannot be created or found, or a caller is not allowed to do something."""

    code = "ACCESS_ERROR"
    http_status = 403
    exit_code = 2


class DecisionError(NotOneLessError):
    """An identity decision cannot be recorded or withdrawn (the message says why and what to do)."""

    code = "DECISION_ERROR"
    http_status = 422
    exit_code = 2


class ContactError(NotOneLessError):
    """A 三包 action cannot be done as asked; ``field`` names the input at fault."""

    code = "CONTACT_ERROR"
    http_status = 422
    exit_code = 2


class ContactNotFound(ContactError):
    """Unknown, or outside the officer's division (the same answer for both)."""

    code = "NOT_FOUND"
    http_status = 404


class ContactForbidden(ContactError):
    code = "ROLE_CANNOT_ACT"
    http_status = 403


class ApiError(NotOneLessError):
    """Base of the errors only a request can cause (each sets ``code`` and ``http_status``)."""

    code = "API_ERROR"
    http_status = 400
    exit_code = 2


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"
    http_status = 401

    def __init__(self, message: str = "请在 Authorization 头中提供有效的令牌（Bearer <token>）：令牌由 notoneless users add 签发。") -> None:
        super().__init__(message)


class NotFound(ApiError):
    """Also what an out-of-scope request gets: the API never reveals that it exists."""

    code = "NOT_FOUND"
    http_status = 404


class Forbidden(ApiError):
    code = "FORBIDDEN"
    http_status = 403


class BadRequest(ApiError):
    code = "BAD_REQUEST"
    http_status = 422
