"""No row is lost or shifted (issue 18, cases 1 and 5): a stray quote, a NUL, a carriage
return alone, a byte-order mark in the middle or an overlong cell rejects at most the
row it is in; every other row comes out with its own key and its own values, exactly
once, in the accepted records or in the rejects."""

from __future__ import annotations

import duckdb
from bundle_fixtures import base_rows, valid_id, write_bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notoneless.bundle.aliases import merge
from notoneless.bundle.files import read_file
from notoneless.bundle.ingest import ingest_bundle
from notoneless.bundle.schema import FILES
from notoneless.errors import BundleError

N_ROWS = 40
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def hukou_rows(n: int = N_ROWS) -> list[list[str]]:
    """``n`` distinct, valid hukou rows (canonical column order)."""
    rows = []
    for i in range(n):
        pid = valid_id(f"4312022012{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}")
        name = SURNAMES[i % 20] + GIVEN[(i * 7) % 20] + GIVEN[(i * 3) % 20]
        rows.append([pid, name, "男", "2012-01-01", "汉族", f"H{i:03d}", name, "本人", "431202101001", "正常"])
    return rows


def _bundle(tmp_path, hukou_lines: list[str]):
    """A valid bundle whose hukou.csv is exactly these lines (header first)."""
    rows = base_rows()
    rows["hukou"] = []
    path = write_bundle(tmp_path, rows)
    (path / "hukou.csv").write_bytes("".join(hukou_lines).encode("utf-8"))
    return path


def _lines(rows: list[list[str]]) -> list[str]:
    return [",".join(FILES["hukou"].headers) + "\r\n"] + [",".join(r) + "\r\n" for r in rows]


def _read(path):
    raw = read_file(path, "hukou", merge())
    rows: dict[int, list[str]] = {}
    for k, row_no in enumerate(raw.row_nos):
        rows[row_no] = [
            raw.values[c.field][k] if isinstance(raw.values[c.field], list) else raw.values[c.field][k].as_py()
            for c in FILES["hukou"].columns
        ]
    rejected = [r[0] for r in raw.structural_rejects]
    return rows, rejected, raw


def _assert_others_intact(rows, rejected, original, corrupted: set[int]):
    seen = sorted([*rows, *rejected])
    assert seen == list(range(1, len(original) + 1)), "every row exactly once, with its own number"
    for i, row in enumerate(original, start=1):
        if i not in corrupted:
            assert i in rows and rows[i] == row, f"row {i} lost or shifted"


def test_one_stray_quote_rejects_its_row_with_line_numbers_and_keeps_the_rest(tmp_path):
    original = hukou_rows()
    lines = _lines(original)
    lines[20] = lines[20].replace(",", ',"', 1)  # data row 20: a quote typed before the name
    rows, rejected, raw = _read(_bundle(tmp_path, lines))
    assert rejected == [20]
    code, detail = raw.structural_rejects[0][1:]
    assert code == "QUOTE_UNCLOSED" and "第 21 行" in detail  # the file's line (the header is line 1)
    _assert_others_intact(rows, rejected, original, {20})


def test_two_stray_quotes_do_not_merge_the_rows_between_them(tmp_path):
    original = hukou_rows()
    lines = _lines(original)
    lines[10] = lines[10].replace(",", ',"', 1)  # opens a field at row 10 …
    lines[15] = lines[15].replace(",", '",', 1)  # … closed by a quote at row 15: looked like one row
    rows, rejected, raw = _read(_bundle(tmp_path, lines))
    assert 10 in rejected
    assert "第 11 行" in raw.structural_rejects[0][2] and "第 16 行" in raw.structural_rejects[0][2]
    _assert_others_intact(rows, rejected, original, {10, 15})
    assert rows[20][1] == original[19][1]  # later keys are not shifted


def test_a_real_multiline_cell_is_still_one_row(tmp_path):
    original = hukou_rows(5)
    lines = _lines(original)
    lines[2] = lines[2].replace(",本人,", ',"本\r\n人",', 1)  # what Excel writes for Alt+Enter
    rows, rejected, _ = _read(_bundle(tmp_path, lines))
    assert rejected == [] and sorted(rows) == [1, 2, 3, 4, 5]
    assert rows[2][7] == "本\r\n人" and rows[3] == original[2]


def test_nul_after_64_kb_and_before_reject_only_their_rows(tmp_path):
    original = hukou_rows(1200)  # > 64 KB
    lines = _lines(original)
    lines[3] = lines[3].replace("汉族", "汉\x00族")
    lines[1100] = lines[1100].replace("汉族", "汉\x00族")
    rows, rejected, raw = _read(_bundle(tmp_path, lines))
    assert rejected == [3, 1100]
    assert {r[1] for r in raw.structural_rejects} == {"CONTROL_CHAR"}
    _assert_others_intact(rows, rejected, original, {3, 1100})


def test_nul_in_the_header_is_still_refused_as_utf16_or_binary(tmp_path):
    lines = _lines(hukou_rows(3))
    lines[0] = lines[0].replace("姓名", "姓\x00名")
    path = _bundle(tmp_path, lines)
    try:
        read_file(path, "hukou", merge())
    except BundleError as exc:
        assert "UTF-16" in str(exc)
    else:
        raise AssertionError("a header with NUL must be refused")


def test_a_9kb_name_rejects_its_row_with_the_column_and_its_length(tmp_path):
    original = hukou_rows(5)
    original_long = [r[:] for r in original]
    original_long[1][1] = "张" * 9000
    rows, rejected, raw = _read(_bundle(tmp_path, _lines(original_long)))
    assert rejected == [2]
    code, detail = raw.structural_rejects[0][1:]
    assert code == "FIELD_TOO_LONG" and "姓名 9000 字" in detail
    _assert_others_intact(rows, rejected, original, {2})


def test_ingest_accounts_for_every_row_of_a_damaged_file(tmp_path):
    """Through the whole ingest: person_records and rejects hold every key once."""
    original = hukou_rows()
    lines = _lines(original)
    lines[5] = lines[5].replace(",", ',"', 1)
    lines[9] = lines[9].replace("汉族", "汉\x00族")
    lines[12] = lines[12].replace("汉族", "汉\r族")
    lines[30] = lines[30].replace("H029", "H" + "9" * 100)
    con = duckdb.connect()
    report = ingest_bundle(_bundle(tmp_path, lines), con, workspace_aliases=None)
    accepted = [k for (k,) in con.execute("SELECT record_key FROM person_records WHERE source = 'hukou'").fetchall()]
    rejects = dict(con.execute("SELECT record_key, code FROM rejects WHERE record_key LIKE 'hukou:%'").fetchall())
    assert rejects == {"hukou:5": "QUOTE_UNCLOSED", "hukou:9": "CONTROL_CHAR", "hukou:12": "CONTROL_CHAR",
                       "hukou:30": "FIELD_TOO_LONG"}
    assert sorted([*accepted, *rejects], key=lambda k: int(k.split(":")[1])) == [f"hukou:{i}" for i in range(1, 41)]
    names = dict(con.execute("SELECT record_key, name_raw FROM person_records WHERE source = 'hukou'").fetchall())
    assert all(names[f"hukou:{i}"] == original[i - 1][1] for i in range(1, 41) if f"hukou:{i}" in names)
    assert report.counts["hukou"].rows_in == 40 and report.counts["hukou"].rejected == 4


# --- property: any of the five faults at random places ---------------------------------

def _inject(line: str, kind: str, field: int, offset: int) -> str:
    body = line[:-2]
    cells = body.split(",")
    cell = cells[field]
    at = offset % (len(cell) + 1)
    if kind == "quote":  # opens a quoted field when typed first in a cell; literal elsewhere
        cells[field] = '"' + cell if offset % 2 else cell[:at] + '"' + cell[at:]
    elif kind == "nul":
        cells[field] = cell[:at] + "\x00" + cell[at:]
    elif kind == "cr":
        cells[field] = cell[:at] + "\r" + cell[at:]
    elif kind == "bom":
        cells[field] = "\ufeff" + cell
    else:  # overlong
        cells[field] = cell + "长" * (65 + offset * 37)
    return ",".join(cells) + "\r\n"


FAULTS = st.lists(
    st.tuples(st.integers(1, N_ROWS), st.sampled_from(["quote", "nul", "cr", "bom", "long"]),
              st.integers(0, 9), st.integers(0, 400)),
    min_size=1, max_size=4, unique_by=lambda f: f[0],
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(faults=FAULTS)
def test_property_every_other_row_keeps_its_key_and_values(tmp_path_factory, faults):
    original = hukou_rows()
    lines = _lines(original)
    for row, kind, field, offset in faults:
        lines[row] = _inject(lines[row], kind, field, offset)
    rows, rejected, _ = _read(_bundle(tmp_path_factory.mktemp("b"), lines))
    _assert_others_intact(rows, rejected, original, {f[0] for f in faults})


# --- files the contract does not name -------------------------------------------------

def test_upper_case_file_name_is_read_and_unknown_files_are_reported(tmp_path):
    path = write_bundle(tmp_path / "b")
    (path / "hukou.csv").rename(path / "HUKOU.CSV")
    (path / "extra.csv").write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    (path / "hukou_备份.csv").write_bytes((path / "HUKOU.CSV").read_bytes())
    con = duckdb.connect()
    report = ingest_bundle(path, con, workspace_aliases=None)
    assert report.counts["hukou"].rows_in == len(base_rows()["hukou"])
    codes = {w["file"]: w["code"] for w in report.warnings}
    assert codes == {"HUKOU.CSV": "FILE_NAME_CASE", "extra.csv": "UNKNOWN_FILE", "hukou_备份.csv": "UNKNOWN_FILE"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in w["message"]) for w in report.warnings)
