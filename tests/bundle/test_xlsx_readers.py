"""XLSX: the fast reader (python-calamine, for sheets of text cells) gives exactly the
rows openpyxl gives, or steps aside; generated workbooks of every kind of cell."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notoneless.bundle.files import _calamine_text_rows, _openpyxl_rows, _xlsx_rows

_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("张三李四·. 0123456789Xx'\t\n-_&<>\"") + ["\u3000", "\u00a0", "\u2003", "𠀀", "Ａ"]),
            max_size=8),
    st.sampled_from(["_x000D_", "a_x0041_b", "  ", " 王五 ", "431202201203051234", "4.31225E+17", "=1+1", ""]),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=4),  # (openpyxl refuses control characters)
)
_CELL = st.one_of(_TEXT, st.none(), st.integers(-10, 10**18), st.floats(allow_nan=False, allow_infinity=False),
                  st.booleans(), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 1, 1)))


def _workbook(rows: list[list[object]], write_only: bool) -> bytes:
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("Sheet1") if write_only else wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _canonical(rows: list[list[str]]) -> list[list[str]]:
    """What the reader keeps of the rows: trailing empty cells and rows do not count
    (short XLSX rows are padded, blank trailing rows dropped)."""
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(_TEXT, _TEXT, _CELL), max_size=5), max_size=8), st.booleans(),
       st.integers(0, 2))
def test_fast_xlsx_reader_gives_openpyxl_rows_or_steps_aside(rows, write_only, blank_rows_first):
    rows = [[]] * blank_rows_first + rows
    data = _workbook(rows, write_only)
    reference = _canonical(_openpyxl_rows(Path("t.xlsx"), data))
    assert _canonical(_xlsx_rows(Path("t.xlsx"), data)) == reference
    fast = _calamine_text_rows(data)
    if fast is not None:
        assert _canonical(fast) == reference


def test_fast_xlsx_reader_takes_plain_text_sheets():
    data = _workbook([["身份证号", "姓名"], ["431202201203051234", " 张三 "], ["", "李四"], ["x", ""]], True)
    assert _calamine_text_rows(data) is not None
    for kept_by_openpyxl in ([["a", 12]], [["_x000D_"]], [["  "]], [[dt.date(2012, 3, 5)]], [[True]]):
        assert _calamine_text_rows(_workbook(kept_by_openpyxl, False)) is None


# Unicode's White_Space (what Rust's char::is_whitespace, hence calamine, trims when a
# string is nothing else), without the control characters openpyxl refuses to write, and
# without "\r", which XML itself reads back as "\n" (in both readers).
_SPACES = ["\t", "\n", " ", "\u0085", "\u00a0", "\u1680", *map(chr, range(0x2000, 0x200B)),
           "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]


def test_a_cell_of_only_whitespace_comes_out_as_written():
    for space in _SPACES:
        for text in (space, " " + space, space + " ", space * 2, " " + space + " "):
            for write_only in (False, True):
                data = _workbook([["姓名", "备注"], ["张三", text]], write_only)
                assert _xlsx_rows(Path("t.xlsx"), data)[1] == ["张三", text], (hex(ord(space)), text)
