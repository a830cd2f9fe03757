"""The files ``notoneless run`` writes into OUT (contract section 3).

- ``entities.csv`` (record_key, person_id) and ``rejects.csv`` (record_key, reason):
  plain UTF-8 (machine-read files; any CSV reader opens them).
- ``findings/<kind>.csv``: UTF-8 with BOM so Excel opens them, the contract's columns
  in the contract's order, one row per finding, stable order.
- ``findings.xlsx``: one sheet per finding kind for officers (Chinese sheet names and
  headers, frozen header row, filters, column widths: ``workbook.py``): the contract's columns first, in their
  order (笔数, 重复金额 as numbers and dates as date cells), then readable columns that
  the CSVs do not have — the child beside the person id (``cases.export.PERSON_HEADERS``:
  姓名, 身份证号 masked, 性别, 出生日期, 学校) and, for each division-code column, its
  name (``<column>名称``: 县, 乡镇, 村 as the graph's Division nodes name them).
- ``summary.json``: what the run did.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from notoneless.bundle.schema import ALL_STEMS, PERSON_SOURCES
from notoneless.cases.export import PERSON_HEADERS, division_names, read_persons
from notoneless.checks.findings import Finding
from notoneless.graph.store import GraphStore
from notoneless.workbook import Sheet, write_workbook

# Headers of the workbook where the contract's CSV header is not Chinese.
XLSX_HEADERS = {"person_id": "人员编号"}
# The contract's columns that hold division codes (发放县: several, joined with ;), numbers, dates.
CODE_COLUMNS = ("户籍区划代码", "责任县", "户籍县", "学籍县", "资助责任县", "核实责任县", "发放县", "应发县", "区划代码")
NUMBER_FORMATS = {"笔数": "0", "重复金额": "0.00"}
DATE_COLUMNS = ("出生日期", "最近走访日期")


@dataclass(frozen=True)
class Readable:
    """What the workbook shows beside codes: each child's ``PERSON_HEADERS``, each division's name."""

    persons: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, store: GraphStore, findings: Iterable[Finding]) -> Readable:
        findings = list(findings)
        codes = {code[:n] for f in findings for col in CODE_COLUMNS for code in (f.row.get(col) or "").split(";")
                 for n in (6, 9, 12) if len(code.strip()) >= n}
        return cls(read_persons(store, (f.person_id for f in findings)), division_names(store, codes))

    def division(self, codes: str) -> str:
        """``431202101001`` → ``鹤城区城南镇一村`` (each of several codes joined with ；)."""
        return "；".join("".join(self.names.get(c[:n], "") for n in (6, 9, 12) if len(c) >= n)
                         for c in (x.strip() for x in (codes or "").split(";")) if c)

    def extra_headers(self, columns: Sequence[str]) -> list[str]:
        """The child's headers the contract's columns lack, then a name per code column."""
        return [*(h for h in PERSON_HEADERS if h not in columns), *(f"{c}名称" for c in columns if c in CODE_COLUMNS)]

    def extra_values(self, f: Finding, columns: Sequence[str]) -> list[Any]:
        person = self.persons.get(f.person_id or "", ("",) * len(PERSON_HEADERS))
        return [*(v for h, v in zip(PERSON_HEADERS, person, strict=True) if h not in columns),
                *(self.division(f.row.get(c) or "") for c in columns if c in CODE_COLUMNS)]


def _xlsx_value(column: str, value: str) -> Any:
    """A contract cell as a typed XLSX cell: 笔数/金额 numbers, dates date cells; else the text."""
    if not value:
        return value
    try:
        if column in NUMBER_FORMATS:
            return int(value) if column == "笔数" else float(value)
        if column in DATE_COLUMNS:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    return value


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


def findings_sheets(sheets: Sequence[tuple[str, Sequence[str], list[Finding]]],
                    readable: Readable | None = None) -> list[Sheet]:
    """The workbook's sheets, one per (sheet name, contract columns, findings): the contract's
    columns, then ``readable``'s (the child, division names)."""
    readable = readable or Readable()
    return [
        Sheet(title, tuple(XLSX_HEADERS.get(c, c) for c in columns) + tuple(readable.extra_headers(columns)),
              [tuple(_xlsx_value(c, f.row[c]) for c in columns) + tuple(readable.extra_values(f, columns))
               for f in findings],
              formats=NUMBER_FORMATS)
        for title, columns, findings in sheets
    ]


def write_findings_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[str], list[Finding]]],
                        readable: Readable | None = None) -> Path:
    """``findings.xlsx``: :func:`findings_sheets` written by ``workbook.write_workbook``."""
    return write_workbook(findings_sheets(sheets, readable), path)


def write_summary(path: Path, summary: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path
