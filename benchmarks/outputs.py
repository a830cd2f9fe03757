"""The run's findings workbook (``findings.xlsx``) written two ways, on a run's findings:
``workbook.write_workbook`` (XlsxWriter, row by row: what the run uses) and openpyxl in its
usual mode, a cell object per value (what the project used before, and what a Python user
would pick), with the same sheets, styles and widths.

    .venv/bin/python benchmarks/outputs.py OUT [--workspace WS] [--rounds 3]

OUT is a run's output folder (its ``findings/*.csv`` are read back as the run's findings);
with ``--workspace`` (the run's ``NOTONELESS_WORKSPACE``, its local server started if need
be) the sheets carry the children and division names from its graph, as the run writes
them; without, those columns are empty. Prints each way's seconds per round and the rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from notoneless import export
from notoneless.checks.findings import Finding
from notoneless.run import CHECKS
from notoneless.workbook import DATE_FORMAT, TIME_FORMAT, Sheet, column_widths, write_workbook


def openpyxl_workbook(sheets: list[Sheet], out: Path) -> None:
    """The same workbook through openpyxl's usual (not write-only) mode."""
    wb = Workbook()
    wb.remove(wb.active)
    font, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        ws.append(list(sheet.headers))
        for row in sheet.rows:
            ws.append(list(row))
        for cell in ws[1]:
            cell.font, cell.fill, cell.alignment = font, fill, centre
        for row in ws.iter_rows(min_row=2):
            for cell, header in zip(row, sheet.headers, strict=True):
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = TIME_FORMAT
                elif isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif header in sheet.formats and isinstance(cell.value, int | float):
                    cell.number_format = sheet.formats[header]
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
        for i, width in enumerate(column_widths(sheet), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
    wb.save(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--workspace", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    findings: dict[str, list[Finding]] = {}
    for check in CHECKS:
        with open(args.out / "findings" / f"{check.KIND}.csv", encoding="utf-8-sig", newline="") as f:
            findings[check.KIND] = [Finding(check.KIND, str(i), row, row.get("person_id") or None)
                                    for i, row in enumerate(csv.DictReader(f))]
    readable = None
    if args.workspace:
        from notoneless.config import Settings
        from notoneless.graph import server
        from notoneless.graph.store import GraphStore

        settings = Settings(workspace=args.workspace)
        running = server.start(settings)
        try:
            with GraphStore.connect(running.uri, "neo4j", server.read_password(settings)) as store:
                readable = export.Readable.read(store, (f for rows in findings.values() for f in rows))
        finally:
            if running.started:
                server.stop(settings)
    sheets = export.findings_sheets([(c.LABEL, c.COLUMNS, findings[c.KIND]) for c in CHECKS], readable)
    rows = sum(len(s.rows) for s in sheets)
    cells = sum(len(s.rows) * len(s.headers) for s in sheets)
    print(f"{rows:,} findings, {cells:,} cells, {len(sheets)} sheets; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(1, args.rounds + 1):
            for name, write in (("xlsxwriter (workbook.py)", write_workbook), ("openpyxl", openpyxl_workbook)):
                path = Path(tmp) / "findings.xlsx"
                t = time.perf_counter()
                write(sheets, path)
                print(f"round {rnd}  {name:<26} {time.perf_counter() - t:6.2f} s  {path.stat().st_size / 2**20:5.1f} MiB",
                      flush=True)


if __name__ == "__main__":
    main()
