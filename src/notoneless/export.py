"""The files ``notoneless run`` writes into OUT (contract section 3).

- ``entities.csv`` (record_key, person_id) and ``rejects.csv`` (record_key, reason):
  plain UTF-8 (machine-read files; any CSV reader opens them).
- ``findings/<kind>.csv``: UTF-8 with BOM so Excel opens them, the contract's columns
  in the contract's order, one row per finding, stable order.
- ``findings.xlsx``: one sheet per finding kind for officers (Chinese sheet names and
  headers, frozen header row, column widths set).
- ``summary.json``: what the run did.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from notoneless.bundle.schema import ALL_STEMS, PERSON_SOURCES
from notoneless.checks.findings import Finding

# Headers of the workbook where the contract's CSV header is not Chinese.
XLSX_HEADERS = {"person_id": "人员编号"}
_MAX_WIDTH = 48


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def _stem_order_sql(column: str) -> str:
    cases = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(ALL_STEMS))
    return f"CASE split_part({column}, ':', 1) {cases} ELSE 99 END"


def write_entities(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Every accepted person record with its person_id, in file order (stem, row)."""
    sources = ", ".join(f"'{s}'" for s in PERSON_SOURCES)
    rows = con.execute(
        f"""SELECT record_key, person_id FROM entities
            WHERE split_part(record_key, ':', 1) IN ({sources})
            ORDER BY {_stem_order_sql('record_key')}, TRY_CAST(split_part(record_key, ':', 2) AS INTEGER), record_key"""
    ).fetchall()
    return _write_csv(path, ("record_key", "person_id"), rows, bom=False)


def write_rejects(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Every row that was not accepted, with its reason (Chinese) and, in brackets, its
    stable machine code (e.g. ``[NO_USABLE_IDENTITY]``), in file order. The contract fixes
    the two columns, so the code rides in the reason."""
    rows = con.execute(
        f"""SELECT record_key, reason || coalesce(' [' || code || ']', '') AS reason FROM rejects
            ORDER BY {_stem_order_sql('record_key')}, TRY_CAST(split_part(record_key, ':', 2) AS INTEGER),
                     record_key, reason"""
    ).fetchall()
    return _write_csv(path, ("record_key", "reason"), rows, bom=False)


def write_findings_csv(out_dir: Path, kind: str, columns: Sequence[str], findings: list[Finding]) -> Path:
    path = out_dir / "findings" / f"{kind}.csv"
    _write_csv(path, columns, ([f.row[c] for c in columns] for f in findings), bom=True)
    return path


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def write_findings_xlsx(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[str], list[Finding]]],
) -> Path:
    """One sheet per (sheet name, contract columns, findings)."""
    wb = Workbook()
    wb.remove(wb.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for title, columns, findings in sheets:
        ws = wb.create_sheet(title=title[:31])
        headers = [XLSX_HEADERS.get(c, c) for c in columns]
        ws.append(headers)
        widths = [_display_width(h) for h in headers]
        for f in findings:
            values = [f.row[c] for c in columns]
            ws.append(values)
            for i, v in enumerate(values):
                widths[i] = max(widths[i], _display_width(v))
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
        ws.freeze_panes = "A2"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(w + 2, _MAX_WIDTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_summary(path: Path, summary: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path
