"""Evidence files of a case (PDF, JPG, PNG), uploaded on the case page.

Stored in the workspace (``WorkspacePaths.evidence``/<case id>/), never in the graph:
each file as ``<file id>.<ext>`` beside ``<file id>.json`` (its original name, kind,
size, SHA-256, who uploaded it and when). The file id (``EV-…``) is what an officer
cites as the reference of an evidence item when acting (e.g. 学籍号=… or
其他材料=EV-…). The type is checked by the file's first bytes, not by its name, and
the size against ``Settings.web_evidence_max_mb``. Every download is audited by the page.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from notoneless.access.users import Caller
from notoneless.errors import CaseError

# First bytes → (extension, media type)
_MAGIC = ((b"%PDF-", "pdf", "application/pdf"), (b"\xff\xd8\xff", "jpg", "image/jpeg"),
          (b"\x89PNG\r\n\x1a\n", "png", "image/png"))
_ID = re.compile(r"^EV-[0-9a-f]{12}$")
_CASE = re.compile(r"^[0-9A-Za-z_.:-]{1,80}$")


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


def store_file(root: Path, case_id: str, name: str, kind: str, data: bytes, *, by: Caller,
               max_bytes: int) -> EvidenceFile:
    """Keep ``data`` as an evidence file of ``case_id``; raises CaseError (type, size)."""
    if not data:
        raise CaseError("文件是空的：请选择佐证材料文件。", code="EVIDENCE_EMPTY", http_status=422)
    if len(data) > max_bytes:
        raise CaseError(f"文件太大（{len(data) / 1024 / 1024:.1f} MB）：上限 {max_bytes / 1024 / 1024:.0f} MB。",
                        code="EVIDENCE_TOO_LARGE", http_status=413)
    found = sniff(data[:16])
    if found is None:
        raise CaseError("只能上传 PDF、JPG 或 PNG 文件。", code="EVIDENCE_TYPE", http_status=415)
    ext, media = found
    folder = _folder(root, case_id)
    folder.mkdir(parents=True, exist_ok=True)
    file_id = "EV-" + secrets.token_hex(6)
    (folder / f"{file_id}.{ext}").write_bytes(data)
    meta = EvidenceFile(file_id, case_id, Path(name or "file").name[:120], kind, len(data),
                        hashlib.sha256(data).hexdigest(), media, ext, by.name, datetime.now(UTC).isoformat())
    (folder / f"{file_id}.json").write_text(json.dumps(meta.__dict__, ensure_ascii=False), encoding="utf-8")
    return meta


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
