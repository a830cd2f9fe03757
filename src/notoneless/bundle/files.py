"""Finding and reading the files of a bundle: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK,
detected from the bytes) or XLSX (first sheet, every cell as text).

Row numbering (contract §2): data row *n* is the *n*-th row after the header, as a
spreadsheet shows it, so ``hukou:17`` is row 18 in Excel. Blank rows after the last
data row are not data rows (Excel and exports leave them); a blank row *between* data
rows is a data row and is rejected as ``EMPTY_ROW`` so the numbering of the rows below
it stays what the officer sees. A CSV row with fewer fields than the header, or with
more fields of which an extra one is not empty, is rejected as ``MALFORMED_ROW``; in
XLSX a short row is padded (cells cannot shift there).

Every physical line of a CSV is accounted for (``bundle/csvlines.py``): a quote that
opens a field and runs on over the following lines makes its row a ``QUOTE_UNCLOSED``
reject with its line numbers, and the rows below are read from their own lines with
their own numbers. A row with a NUL or another control character in any cell is
rejected ``CONTROL_CHAR``, a cell longer than its column's limit (``bundle/limits.py``)
rejects its row ``FIELD_TOO_LONG``; the rest of the file is read as usual.

XLSX cells become text without loss: strings as they are, integers exactly, dates as
``YYYY-MM-DD``; a float of 15 or more digits (an ID number that Excel already stored
as a number and so rounded) becomes scientific notation, which the ID normaliser
marks ``sci_notation`` (unrecoverable) instead of inventing digits. openpyxl
(read-only) is the reference reader; a sheet of text cells only is read by
python-calamine, which gives the same strings much faster (``_calamine_text_rows``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from notoneless.bundle.aliases import Aliases, resolve_columns
from notoneless.bundle.csvlines import Broken, read_records
from notoneless.bundle.encoding import decode_bytes
from notoneless.bundle.limits import DEFAULT_LIMIT, limit
from notoneless.bundle.rejects import RejectCode
from notoneless.bundle.schema import FILES
from notoneless.errors import BundleError

csv.field_size_limit(10_000_000)

_ZIP_MAGIC = b"PK\x03\x04"

# A control character in a cell rejects its row (tab, line feed and carriage return are
# the file's own structure; a carriage return alone inside a line is caught by the reader).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class RawFile:
    """One file of the bundle, read: the accepted-shape rows as columns of text."""

    stem: str
    path: Path
    encoding: str  # utf-8, utf-8-sig, gb18030 or xlsx
    headers: list[str]
    columns: dict[str, int | None]  # field → index into headers (None: optional, absent)
    row_nos: list[int] = field(default_factory=list)  # 1-based data row of each kept row
    values: dict[str, list[str | None] | pa.ChunkedArray] = field(default_factory=dict)  # field → values of kept rows
    structural_rejects: list[tuple[int, RejectCode, str]] = field(default_factory=list)  # row, code, detail

    @property
    def rows_in(self) -> int:
        return len(self.row_nos) + len(self.structural_rejects)


def find_file(bundle_dir: Path, stem: str) -> Path:
    """``<stem>.csv`` or ``<stem>.xlsx`` (extension in any case); when there is none, a
    file whose name differs only in case (``HUKOU.CSV``: what a Windows share or an
    upper-case export gives), reported by ``bundle_warnings``. BundleError when it is
    missing or two exist."""
    files = [p for p in bundle_dir.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")]
    hits = sorted(p for p in files if p.stem == stem)
    if not hits:
        hits = sorted(p for p in files if p.stem.lower() == stem)
    if not hits:
        legacy = [p for p in bundle_dir.iterdir() if p.stem == stem and p.suffix.lower() in (".xls", ".txt", ".et")]
        if legacy:
            raise BundleError(f"{legacy[0].name} 的格式不受支持；请另存为 {stem}.csv 或 {stem}.xlsx")
        spec = FILES[stem]
        raise BundleError(
            f"数据包缺少文件 {stem}.csv 或 {stem}.xlsx（{spec.label}）：{bundle_dir}；"
            "合同要求十个文件都在，某系统无数据时请放一个只有表头的文件"
        )
    if len(hits) > 1:
        raise BundleError(f"数据包中 {stem} 有多个文件（{', '.join(p.name for p in hits)}）；请只保留一个")
    return hits[0]


# Files of a bundle besides the ten systems' files.
_BUNDLE_EXTRAS = ("manifest.json", "header_aliases.json")


def bundle_warnings(bundle_dir: Path) -> list[dict[str, str]]:
    """What in the bundle directory is not read as named: a system's file whose name
    differs from the contract's only in case (read, ``code`` ``FILE_NAME_CASE``), and
    every other file (not read, ``UNKNOWN_FILE``: ``extra.csv``, ``hukou_备份.csv``).
    Hidden files (``.xxx``) are not listed. One dict a file: file, code, message
    (Chinese, for the officer); summary.json lists them under ``bundle_warnings``."""
    used = {find_file(bundle_dir, stem).name: stem for stem in FILES}
    out: list[dict[str, str]] = []
    for p in sorted(bundle_dir.iterdir()):
        if p.name.startswith(".") or p.is_dir():
            continue
        if p.name in used:
            stem = used[p.name]
            if p.stem != stem:
                out.append({"file": p.name, "code": "FILE_NAME_CASE",
                            "message": f"{p.name} 按 {stem}{p.suffix.lower()} 读取（文件名大小写与约定不同）；请改名为 {stem}{p.suffix.lower()}"})
        elif p.name not in _BUNDLE_EXTRAS:
            out.append({"file": p.name, "code": "UNKNOWN_FILE",
                        "message": f"{p.name} 不是数据包约定的文件，未读取；如是某系统的数据，请改名为该系统的文件名（如 hukou.csv）"})
    return out


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)  # ≥ 1e15: '4.3122520120305e+17', recognised as scientific notation
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


def _xlsx_rows(path: Path, data: bytes) -> list[list[str]]:
    rows = _calamine_text_rows(data)
    return rows if rows is not None else _openpyxl_rows(path, data)


def _openpyxl_rows(path: Path, data: bytes) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise BundleError(f"{path.name} 无法作为 XLSX 打开（{exc}）；请用 Excel 另存为 .xlsx 或 CSV") from exc
    try:
        if not wb.worksheets:
            raise BundleError(f"{path.name} 没有工作表；请把数据放在第一个工作表")
        ws = wb.worksheets[0]
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


# An `_xHHHH_` escape (calamine decodes it, openpyxl keeps it as written) or a string
# element holding only whitespace — Unicode's, as Rust's ``char::is_whitespace`` knows it:
# calamine then trims it (``" \u3000"`` comes out ``"\u3000"``, found by
# tests/bundle/test_xlsx_readers.py) — so openpyxl reads such a file. The XML is matched
# as bytes (no decoding of every sheet), so the non-ASCII White_Space characters are
# spelled in UTF-8: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
# U+205F, U+3000.
_UNICODE_SPACE = rb"(?:\s|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)"
_CALAMINE_DIFFERS = re.compile(rb"_x[0-9A-Fa-f]{4}_|<(?:\w+:)?t(?:\s[^>]*)?>" + _UNICODE_SPACE + rb"+</")


def _calamine_text_rows(data: bytes) -> list[list[str]] | None:
    """The first sheet's rows by python-calamine when every cell is text or empty, else
    None (openpyxl then reads the file). Why not openpyxl alone: it builds Python objects
    for every string cell, ~40 µs a cell (0.7 s for the demo's 2,858-row canlian.xlsx,
    a sixth of reading and normalising the whole bundle); calamine (Rust) reads it in
    milliseconds. For text cells both give the same strings, except for the two cases
    above, checked in the XML first. Numbers, dates, booleans and errors always go to
    openpyxl, whose cell types ``_cell_text`` follows (an ID number stored as a number
    must come out exactly as openpyxl gives it), as does any file calamine cannot read
    (openpyxl then says what is wrong with it)."""
    import python_calamine

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml") and \
                        _CALAMINE_DIFFERS.search(z.read(name)):
                    return None
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = wb.sheets_metadata
        if not sheets or sheets[0].typ != python_calamine.SheetTypeEnum.WorkSheet:
            return None
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - anything calamine cannot read: openpyxl decides
        return None
    if not all(type(v) is str for row in rows for v in row):
        return None
    return rows


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return "\t" if "," not in first_line and "\t" in first_line else ","


def _csv_rows(path: Path, text: str) -> list[list[str] | Broken]:
    try:
        records, _taken = read_records(text, _delimiter(text))
    except BundleError as exc:
        raise BundleError(f"{path.name}：{exc}") from exc
    return records


def _fast_csv(stem: str, path: Path, text: str, encoding: str, aliases: Aliases) -> RawFile | None:
    """The common case read by Arrow's CSV reader: no quotes at all (so a physical line
    is a row), every line as wide as the header, no blank line. Returns None when the
    file is not that simple; the general reader then handles it with the same rules."""
    if '"' in text or text.count("\r") != text.count("\r\n") or _CONTROL.search(text):
        return None
    delimiter = _delimiter(text)
    invalid: list[int] = []

    def on_invalid(_row: object) -> str:
        invalid.append(1)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 column_types={f"f{i}": pa.string() for i in range(text.count(delimiter, 0, text.find("\n")) + 1)}),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    # one row per physical line (no quotes: a line is a row), else the general reader decides
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if invalid or table.num_rows == 0 or table.num_rows != lines:
        return None
    header_row = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    headers = [h.strip() for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data = table.slice(1)
    if width == 0 or data.num_rows == 0:
        return None
    # any non-blank cell beyond the header, or any blank row: the general reader decides
    blank = None
    for i in range(data.num_columns):
        empty = pc.equal(pc.utf8_trim_whitespace(data.column(i)), "")
        if i >= width and not pc.all(empty).as_py():
            return None
        if i < width:
            blank = empty if blank is None else pc.and_(blank, empty)
    if blank is not None and pc.any(blank).as_py():
        return None
    spec = FILES[stem]
    columns = resolve_columns(spec, headers, path.name, aliases)
    for fld, idx in columns.items():  # a cell over its column's limit: the general reader rejects its row
        if idx is not None and pc.max(pc.utf8_length(data.column(idx))).as_py() > limit(stem, fld):
            return None
    raw = RawFile(stem=stem, path=path, encoding=encoding, headers=headers, columns=columns)
    raw.row_nos = list(range(1, data.num_rows + 1))
    for fld, idx in columns.items():
        raw.values[fld] = data.column(idx) if idx is not None else pa.nulls(data.num_rows, pa.string())
    return raw


def _blank(row: list[str] | Broken) -> bool:
    return isinstance(row, list) and not "".join(row).strip()


def _content_problem(
    stem: str, row: list[str], headers: list[str], columns: dict[str, int | None],
) -> tuple[RejectCode, str] | None:
    """A control character anywhere in the row, or a cell over its column's limit."""
    for j, cell in enumerate(row):
        hit = _CONTROL.search(cell)
        if hit:
            where = headers[j] if j < len(headers) else f"第 {j + 1} 列"
            return RejectCode.CONTROL_CHAR, f"（{where} 含字符 U+{ord(hit.group()):04X}）"
    if max(map(len, row), default=0) > DEFAULT_LIMIT:
        for fld, idx in columns.items():
            if idx is not None and len(row[idx]) > limit(stem, fld):
                return RejectCode.FIELD_TOO_LONG, f"（{headers[idx]} {len(row[idx])} 字，上限 {limit(stem, fld)} 字）"
    return None


def read_file(bundle_dir: Path, stem: str, aliases: Aliases) -> RawFile:
    """Read one file of the bundle into columns of text, keyed by the contract's
    field names, with the rows that cannot be used structurally set aside."""
    path = find_file(bundle_dir, stem)
    data = path.read_bytes()
    if data.startswith(_ZIP_MAGIC):  # decided by the bytes, not the extension
        rows, encoding, is_xlsx = _xlsx_rows(path, data), "xlsx", True
    else:
        text, encoding = decode_bytes(data, path.name)
        del data
        fast = _fast_csv(stem, path, text, encoding, aliases)
        if fast is not None:
            return fast
        rows = _csv_rows(path, text)
        del text
        is_xlsx = False
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise BundleError(f"{path.name} 是空文件（没有表头）；请至少保留表头行")
    if isinstance(rows[0], Broken):
        raise BundleError(f"{path.name} 的表头行无法读取{rows[0].detail()}；请修正表头中的引号或控制字符后重试")
    headers = [h.strip() for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    spec = FILES[stem]
    columns = resolve_columns(spec, headers, path.name, aliases)
    width = len(headers)
    raw = RawFile(stem=stem, path=path, encoding=encoding, headers=headers, columns=columns)
    data_rows = rows[1:]
    del rows
    # rows that need a closer look: unreadable, wrong width, a first cell that is blank,
    # a control character or a cell longer than any column's limit
    suspect = [
        i for i, row in enumerate(data_rows)
        if isinstance(row, Broken) or len(row) != width or not row[0].strip()
        or _CONTROL.search("".join(row)) or max(map(len, row), default=0) > DEFAULT_LIMIT
    ]
    if not suspect:
        kept = data_rows
        raw.row_nos = list(range(1, len(data_rows) + 1))
    else:
        drop: set[int] = set()
        for i in suspect:
            row = data_rows[i]
            if isinstance(row, Broken):
                raw.structural_rejects.append((i + 1, row.code, row.detail()))
                drop.add(i)
                continue
            n = len(row)
            if n != width:
                if n > width and _blank(row[width:]):
                    row = data_rows[i] = row[:width]
                elif n < width and is_xlsx:
                    row = data_rows[i] = row + [""] * (width - n)
                elif not (n == 0 or _blank(row)):
                    raw.structural_rejects.append((i + 1, RejectCode.MALFORMED_ROW, ""))
                    drop.add(i)
                    continue
            if _blank(row):
                raw.structural_rejects.append((i + 1, RejectCode.EMPTY_ROW, ""))
                drop.add(i)
                continue
            problem = _content_problem(stem, row, headers, columns)
            if problem is not None:
                raw.structural_rejects.append((i + 1, *problem))
                drop.add(i)
        kept = [row for i, row in enumerate(data_rows) if i not in drop]
        raw.row_nos = [i + 1 for i in range(len(data_rows)) if i not in drop]
    cols = list(zip(*kept)) if kept else [()] * width
    for fld, idx in columns.items():
        raw.values[fld] = list(cols[idx]) if idx is not None else [None] * len(kept)
    assert raw.rows_in == len(data_rows), (stem, raw.rows_in, len(data_rows))
    return raw
