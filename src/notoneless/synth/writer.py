"""Writing a bundle to disk: CSV in UTF-8, UTF-8 with BOM or GB18030, and XLSX,
mixed across files so every reader path is exercised, and byte-identical for the
same input (XLSX archives get fixed timestamps: openpyxl stamps the save time into
``docProps/core.xml`` and the zip entries).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from notoneless.errors import ConfigError

FORMATS = ("csv", "bom", "gb18030", "xlsx")
FORMAT_ALIASES = {"utf8": "csv", "utf-8": "csv", "utf8-bom": "bom", "utf-8-bom": "bom", "utf8bom": "bom",
                  "gbk": "gb18030", "excel": "xlsx"}
ENCODINGS = {"csv": "utf-8", "bom": "utf-8-sig", "gb18030": "gb18030"}
# Preferred format of each file, first available wins (what the source office tends to send).
# Only small files are XLSX: openpyxl costs tens of microseconds per cell.
PREFERENCE: dict[str, tuple[str, ...]] = {
    "divisions": ("csv",),
    "schools": ("xlsx", "gb18030", "csv"),
    "hukou": ("gb18030", "csv"),
    "xueji": ("bom", "csv"),
    "fupin": ("gb18030", "csv"),
    "canlian": ("xlsx", "bom", "csv"),
    "minzheng": ("gb18030", "bom", "csv"),
    "zizhu": ("bom", "csv"),
    "contacts": ("bom", "csv"),
    "visits": ("csv",),
}
FIXED_TIME = datetime(2025, 10, 15, 8, 0, 0)
_ZIP_TIME = (2025, 10, 15, 8, 0, 0)


def parse_formats(text: str) -> tuple[str, ...]:
    """``"csv,xlsx,gb18030"`` -> the formats, in FORMATS order. ``csv`` alone: UTF-8 CSV only."""
    chosen = []
    for part in text.split(","):
        token = FORMAT_ALIASES.get(part.strip().lower(), part.strip().lower())
        if not token:
            continue
        if token not in FORMATS:
            raise ConfigError(f"未知的文件格式 {part!r} (--formats): use a comma-separated list of {', '.join(FORMATS)}")
        chosen.append(token)
    if not chosen:
        raise ConfigError("--formats 为空: give at least one of " + ", ".join(FORMATS))
    if "csv" in chosen and "gb18030" in chosen and "bom" not in chosen:
        chosen.append("bom")  # a mixed bundle always has all three CSV encodings
    return tuple(f for f in FORMATS if f in chosen)


def format_for(stem: str, formats: Sequence[str]) -> str:
    for f in PREFERENCE[stem]:
        if f in formats:
            return f
    return formats[0]


def write_table(path_stem: Path, fmt: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Path:
    """Write one table as ``<path_stem>.csv`` or ``.xlsx``; returns the path written."""
    if fmt == "xlsx":
        path = path_stem.with_suffix(".xlsx")
        _write_xlsx(path, headers, rows)
        return path
    path = path_stem.with_suffix(".csv")
    with path.open("w", encoding=ENCODINGS[fmt], newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(headers)
        w.writerows(rows)
    return path


def _write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    wb = Workbook(write_only=True)
    wb.properties.creator = "NotOneLess synth"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    ws = wb.create_sheet("Sheet1")
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_deterministic_zip(buf.getvalue()))


def _deterministic_zip(data: bytes) -> bytes:
    """Re-pack an XLSX with fixed entry times and the fixed modified time in core.xml."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_csv_utf8(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]], *, bom: bool = True) -> None:
    """The answer key's files (UTF-8 with BOM, like the project's findings)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(headers)
        w.writerows(rows)


def write_manifest(path: Path, manifest: dict[str, str]) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
