"""Evidence files of a case (PDF, JPG, PNG), uploaded on the case page.

Stored in a directory (``Settings.evidence_dir``: ``NOTONELESS_WEB_EVIDENCE_DIR``, by
default the workspace's ``evidence/``), one folder per case, never in the graph: each
file as ``<file id>.<ext>`` beside ``<file id>.json`` (its original name, kind, size,
SHA-256, who uploaded it and when). The file id (``EV-…``) is what an officer cites as
the reference of an evidence item when acting (e.g. 学籍号=… or 其他材料=EV-…). The
type is checked by the file's first bytes, not by its name. Every download is audited
by the page.

Size: ``Settings.web_evidence_max_mb``, enforced while the upload is read, never after
holding it whole. ``read_upload_form`` stops reading the request body once it passes
the limit (plus ``FORM_SLACK`` for the form's other fields), and ``store_stream`` copies
the file in ``CHUNK``-sized pieces into a hidden temporary file beside its final place,
stopping at the first byte over the limit; only a complete, accepted file is renamed
into place.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message

from notoneless.access.users import Caller
from notoneless.errors import CaseError

# First bytes → (extension, media type)
_MAGIC = ((b"%PDF-", "pdf", "application/pdf"), (b"\xff\xd8\xff", "jpg", "image/jpeg"),
          (b"\x89PNG\r\n\x1a\n", "png", "image/png"))
_ID = re.compile(r"^EV-[0-9a-f]{12}$")
_CASE = re.compile(r"^[0-9A-Za-z_.:-]{1,80}$")
CHUNK = 64 * 1024
FORM_SLACK = 64 * 1024  # the upload form's other fields and multipart headers, beside the file
DRAIN_FACTOR = 4  # past the limit, a body is read (and dropped) up to this many limits, for a clean answer


class BodyTooLarge(Exception):
    """The request body passed the upload limit while it was being read."""


@dataclass(frozen=True)
class EvidenceFile:
    file_id: str
    case_id: str
    name: str
    kind: str
    size: int
    sha256: str
    media_type: str
    ext: str
    by: str
    at: str

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1024 / 1024:.1f} MB"


def _folder(root: Path, case_id: str) -> Path:
    if not _CASE.match(case_id) or case_id in (".", ".."):
        raise CaseError(f"案件编号「{case_id}」不能用作存放位置。", code="CASE_NOT_FOUND")
    return root / case_id


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, ext, media in _MAGIC:
        if head.startswith(magic):
            return ext, media
    return None


def too_large(max_bytes: int) -> CaseError:
    return CaseError(f"文件超过上限 {max_bytes / 1024 / 1024:g} MB：请压缩或分成几个文件后重新上传。",
                     code="EVIDENCE_TOO_LARGE", field="file", http_status=413)


async def read_upload_form(request: Request, max_bytes: int) -> FormData:
    """The upload form of ``request``, its file spooled by Starlette, reading the body only
    up to ``max_bytes`` + ``FORM_SLACK``: past that, BodyTooLarge (nothing more is kept;
    the rest of the body, up to ``DRAIN_FACTOR`` limits, is read and dropped so that the
    browser gets the answer)."""
    cap, seen = max_bytes + FORM_SLACK, 0
    receive = request.receive
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        if int(declared) <= DRAIN_FACTOR * cap:  # else answer at once: the server closes the connection
            await _drain(receive, DRAIN_FACTOR * cap)
        raise BodyTooLarge()

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                if message.get("more_body", False):
                    await _drain(receive, DRAIN_FACTOR * cap - seen)
                raise BodyTooLarge()
        return message

    return await Request(request.scope, counting).form(max_files=1, max_fields=10)


async def _drain(receive: Any, budget: int) -> None:
    """Read and drop the rest of a request body, at most ``budget`` bytes."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def store_stream(root: Path, case_id: str, name: str, kind: str, stream: BinaryIO, *, by: Caller,
                 max_bytes: int) -> EvidenceFile:
    """Keep the file read from ``stream`` as an evidence file of ``case_id``, copied a
    chunk at a time and refused at the first byte over ``max_bytes``; raises CaseError
    (empty, too large, not PDF/JPG/PNG), leaving nothing behind."""
    folder = _folder(root, case_id)
    folder.mkdir(parents=True, exist_ok=True)
    file_id = "EV-" + secrets.token_hex(6)
    part = folder / f".{file_id}.part"  # hidden from list_files until accepted
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with part.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                    if len(head) >= 8 and sniff(head) is None:
                        raise _wrong_type()
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise CaseError("文件是空的：请选择佐证材料文件。", code="EVIDENCE_EMPTY", field="file", http_status=422)
        found = sniff(head)
        if found is None:
            raise _wrong_type()
        ext, media = found
        part.replace(folder / f"{file_id}.{ext}")
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    meta = EvidenceFile(file_id, case_id, Path(name or "file").name[:120], kind, size, digest.hexdigest(), media, ext,
                        by.name, datetime.now(UTC).isoformat())
    (folder / f"{file_id}.json").write_text(json.dumps(meta.__dict__, ensure_ascii=False), encoding="utf-8")
    return meta


def _wrong_type() -> CaseError:
    return CaseError("只能上传 PDF、JPG 或 PNG 文件：请另存为其中一种后重新上传。", code="EVIDENCE_TYPE", field="file",
                     http_status=415)


def list_files(root: Path, case_id: str) -> list[EvidenceFile]:
    folder = _folder(root, case_id)
    if not folder.is_dir():
        return []
    out = [_load(p) for p in folder.glob("EV-*.json")]
    return sorted((f for f in out if f), key=lambda f: f.at)


def get_file(root: Path, case_id: str, file_id: str) -> tuple[EvidenceFile, Path] | None:
    if not _ID.match(file_id):
        return None
    meta = _load(_folder(root, case_id) / f"{file_id}.json")
    if meta is None:
        return None
    return meta, _folder(root, case_id) / f"{file_id}.{meta.ext}"


def _load(path: Path) -> EvidenceFile | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return EvidenceFile(**data)
    except (OSError, ValueError, TypeError):
        return None
