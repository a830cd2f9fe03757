"""The officers' workbooks (XLSX): one writer for every sheet the project hands out — the
run's ``findings.xlsx`` (``export.py``), the county ledgers (``cases/export.py``) and the
三包 roster (``contacts/roster.py``).

Each sheet: Chinese headers in bold on a light-blue fill, the header row frozen, a filter
on every column, column widths from the widest value (CJK characters count double), date
cells as dates (``yyyy-mm-dd``; with the time ``yyyy-mm-dd hh:mm`` in China time, without
the offset Excel cannot hold), numbers as numbers in the format ``Sheet.formats`` names for
their column, and an empty value as an empty cell.

Written by XlsxWriter, row by row (``constant_memory``): openpyxl, which the project
reads workbooks with, builds a cell object per value and took 4.1-4.4 s for the 24,453
findings of a 1M-record run, XlsxWriter 1.6-1.7 s (``benchmarks/outputs.py``). Text is
written as text, always: XlsxWriter would otherwise make a value starting with ``=`` a
formula and one like a web address a link.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from notoneless.errors import OutputError
from notoneless.localtime import excel_time

MIN_WIDTH, MAX_WIDTH = 8, 48
DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
MAX_TITLE = 31  # Excel's limit on a sheet's name
HEADER_STYLE = {"bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter"}


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    formats: Mapping[str, str] = field(default_factory=dict)  # header: number format of its numbers


@lru_cache(maxsize=65_536)
def text_width(text: str) -> int:
    """Columns ``text`` takes in Excel: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return len("0000-00-00 00:00")
    if isinstance(value, dt.date):
        return len("0000-00-00")
    return text_width("" if value is None else str(value))


def column_widths(sheet: Sheet) -> list[int]:
    """Each column's width: its widest value or header, within MIN_WIDTH and MAX_WIDTH."""
    widths = [text_width(h) for h in sheet.headers]
    for row in sheet.rows:
        for i, value in enumerate(row):
            w = _width(value)
            if w > widths[i]:
                widths[i] = w
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def write_workbook(sheets: Sequence[Sheet], out: Path) -> Path:
    """Write ``sheets`` to ``out`` (its folder made if missing); OutputError when it cannot."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
        head = wb.add_format(HEADER_STYLE)
        styles: dict[str, Any] = {}

        def style(number_format: str) -> Any:
            if number_format not in styles:
                styles[number_format] = wb.add_format({"num_format": number_format})
            return styles[number_format]

        for sheet in sheets:
            ws = wb.add_worksheet(sheet.title[:MAX_TITLE])
            for i, width in enumerate(column_widths(sheet)):
                ws.set_column(i, i, width)
            ws.freeze_panes(1, 0)
            ws.write_row(0, 0, sheet.headers, head)
            numbers = [style(sheet.formats[h]) if h in sheet.formats else None for h in sheet.headers]
            for r, row in enumerate(sheet.rows, start=1):
                for c, value in enumerate(row):
                    _write(ws, r, c, value, numbers[c], style)
            if sheet.rows:
                ws.autofilter(0, 0, len(sheet.rows), len(sheet.headers) - 1)
        wb.close()
    except (OSError, XlsxWriterException) as exc:
        raise OutputError(f"无法写入 {out}（{exc}）：请确认目录可写、文件没有在 Excel 中打开。") from exc
    return out


def _write(ws: Any, r: int, c: int, value: Any, number: Any, style: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        ws.write_string(r, c, value)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, number)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, excel_time(value), style(TIME_FORMAT))
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, value, style(DATE_FORMAT))
    else:
        ws.write_string(r, c, str(value))
