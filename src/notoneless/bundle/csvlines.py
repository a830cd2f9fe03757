"""Reading a CSV so that no physical line is lost: records anchored to the file's lines.

A plain CSV reader trusts every ``"``: a hand-typed quote before a name opens a field
that runs on, across line breaks, to the next quote anywhere below — one stray quote
swallowed 1,153 hukou rows into one malformed record (issue 18), two merged 20 rows into
one accepted record and shifted every later record key. Here each record is read from
its own line, and a record that runs over more than one physical line is kept only when
it is a real multi-line cell (what Excel writes for Alt+Enter):

- it spans at most ``MAX_RECORD_LINES`` lines,
- it has the header's width (or more fields, the extra ones empty), and
- no cell holding a line break also holds the delimiter (a cell that swallowed rows
  holds their commas; none of the contract's columns holds a comma and a line break).

Otherwise the record is ``Broken``: the line where it started is one malformed row
(``QUOTE_UNCLOSED``, rejected with its line numbers), and reading starts again on the
very next line, so the rows below keep their own numbers and keys. A line that the csv
module cannot read at all (a carriage return alone in the middle of a line) is a
``Broken`` record of its own (``CONTROL_CHAR``).

``read_records`` also checks its own result against the line structure: the records'
line spans must follow each other and cover every line exactly once. When they do
not, it raises BundleError rather than going on with rows possibly lost.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from notoneless.bundle.rejects import RejectCode
from notoneless.errors import BundleError

# A real multi-line cell spans a few lines; a quote open for longer has swallowed rows.
MAX_RECORD_LINES = 100


@dataclass(frozen=True)
class Broken:
    """A record that cannot be read as a row: it started on physical line ``first_line``
    (1-based, the header is line 1) and the quote it opened ran to ``last_line``
    (``capped``: still open after ``MAX_RECORD_LINES`` lines)."""

    first_line: int
    last_line: int
    code: RejectCode
    capped: bool = False

    def detail(self) -> str:
        if self.code is RejectCode.CONTROL_CHAR:
            return f"（文件第 {self.first_line} 行）"
        if self.capped:
            return f"（文件第 {self.first_line} 行起的引号在 {MAX_RECORD_LINES} 行内未闭合；其后各行按原行号读取）"
        if self.last_line > self.first_line:
            return f"（文件第 {self.first_line} 行起的引号跨到第 {self.last_line} 行；其后各行按原行号读取）"
        return f"（文件第 {self.first_line} 行）"


def physical_lines(text: str) -> list[str]:
    """The file's lines with their endings. A line ends at ``\\n`` (``\\r\\n`` included);
    a file with no ``\\n`` but with ``\\r`` (old Mac) ends its lines at ``\\r``."""
    sep = "\r" if "\n" not in text and "\r" in text else "\n"
    parts = text.split(sep)
    lines = [p + sep for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class _Feed:
    """The lines from ``pos`` on, to a csv reader, at most ``cap`` lines past ``start``
    (the first line of the record being read); ``pos`` is the next line to give."""

    def __init__(self, lines: list[str], pos: int, cap: int) -> None:
        self.lines, self.pos, self.start, self.cap = lines, pos, pos, cap

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines) or self.pos - self.start >= self.cap:
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _width(header: list[str]) -> int:
    n = len(header)
    while n and not header[n - 1].strip():
        n -= 1
    return n


def _real_multiline(rec: list[str], width: int | None, delimiter: str) -> bool:
    if width is not None and len(rec) != width and not (
        len(rec) > width and not "".join(rec[width:]).strip()
    ):
        return False
    return not any(("\n" in c or "\r" in c) and delimiter in c for c in rec)


def read_records(
    text: str, delimiter: str, cap: int = MAX_RECORD_LINES,
) -> tuple[list[list[str] | Broken], list[int]]:
    """The records of ``text`` (the header first) and the number of physical lines each
    took. A ``Broken`` record is one row that cannot be read (see the module doc)."""
    lines = physical_lines(text)
    n = len(lines)
    records: list[list[str] | Broken] = []
    taken: list[int] = []
    width: int | None = None
    feed = _Feed(lines, 0, cap)
    reader = csv.reader(feed, delimiter=delimiter)
    while feed.pos < n:
        start = feed.start = feed.pos
        try:
            rec = next(reader)
        except csv.Error:
            rec = None
        end = feed.pos
        # more than one line, or a cell holding a line end: a quote left open at the end of the file
        multi = rec is not None and (end - start > 1 or any("\n" in c for c in rec))
        if rec is None or (multi and (end - start >= cap or not _real_multiline(rec, width, delimiter))):
            line = lines[start].rstrip("\r\n") if rec is None else ""
            code = RejectCode.CONTROL_CHAR if rec is None and "\r" in line else RejectCode.QUOTE_UNCLOSED
            records.append(Broken(start + 1, end, code, capped=rec is not None and end - start >= cap))
            taken.append(1)
            feed = _Feed(lines, start + 1, cap)  # read on from the next line: its row keeps its number
            reader = csv.reader(feed, delimiter=delimiter)
            continue
        records.append(rec)
        taken.append(end - start)
        if width is None:
            width = _width(rec)
    if sum(taken) != n:
        raise BundleError(
            f"读取时记录与文件的行数核对不一致（文件 {n} 行，记录占 {sum(taken)} 行）；为免丢行已停止，请检查文件中的引号后重试"
        )
    return records, taken


__all__ = ["MAX_RECORD_LINES", "Broken", "physical_lines", "read_records"]
