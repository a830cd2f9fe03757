"""Reading bundles: encodings, XLSX, header aliases, missing columns, rejects, counts."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from bundle_fixtures import CHILD_A, CHILD_B, MANIFEST, base_rows, write_bundle, write_csv

from notoneless.bundle.ingest import ingest_bundle
from notoneless.bundle.schema import FILES
from notoneless.errors import BundleError


def _ingest(path: Path, **kw):
    con = duckdb.connect()
    return ingest_bundle(path, con, **{"workspace_aliases": None, **kw}), con


def _rows(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def _assert_accounted(report, con):
    for stem, c in report.counts.items():
        assert c.rows_in == c.accepted + c.rejected, stem
    for stem in ("hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu"):
        n = _rows(con, "SELECT count(*) FROM person_records WHERE source = ?", stem)[0][0]
        assert n == report.counts[stem].accepted
        assert _rows(con, f"SELECT count(*) FROM {stem}")[0][0] == n


def test_clean_bundle(tmp_path):
    report, con = _ingest(write_bundle(tmp_path / "b"))
    assert report.rejects == 0
    assert report.manifest.school_year_start.isoformat() == "2025-09-01"
    _assert_accounted(report, con)
    keys = [r[0] for r in _rows(con, "SELECT record_key FROM person_records ORDER BY record_key")]
    assert "hukou:1" in keys and "hukou:2" in keys and "xueji:1" in keys
    # the 20-digit disability certificate number in canlian gives the ID
    assert _rows(con, "SELECT id_issue, id_valid FROM person_records WHERE record_key = 'canlian:1'")[0] == ("disability_cert", True)
    # locations and school county
    assert _rows(con, "SELECT village_code, town_code, county_code FROM person_records WHERE record_key = 'hukou:1'")[0] == (
        "431202101001", "431202101", "431202")
    assert _rows(con, "SELECT school_county FROM person_records WHERE record_key = 'xueji:1'")[0][0] == "431202"
    assert _rows(con, "SELECT boarding, enrol_status FROM xueji")[0] == (True, "在读")
    assert str(_rows(con, "SELECT amount FROM zizhu")[0][0]) == "500.00"
    assert _rows(con, "SELECT target_norm, target_kind FROM contacts")[0] == (CHILD_B, "person_id")


def test_gb18030_utf8_bom_and_xlsx(tmp_path):
    rows = base_rows()
    rows["hukou"][0][1] = "張偉"  # traditional, GB18030 can encode it
    path = write_bundle(tmp_path / "b", rows, encodings={"hukou": "gb18030", "fupin": "utf-8-sig"}, xlsx=("xueji",))
    assert (path / "hukou.csv").read_bytes().find("張偉".encode("gb18030")) >= 0
    report, con = _ingest(path)
    assert report.encodings["hukou"] == "gb18030"
    assert report.encodings["fupin"] == "utf-8-sig"
    assert report.encodings["xueji"] == "xlsx"
    assert _rows(con, "SELECT name_norm FROM person_records WHERE record_key = 'hukou:1'")[0][0] == "张伟"
    assert _rows(con, "SELECT id_norm, xueji_no FROM person_records WHERE record_key = 'xueji:1'")[0] == (CHILD_A, "G" + CHILD_A)
    assert report.rejects == 0


def test_xlsx_id_as_float_is_unrecoverable_and_said_so(tmp_path):
    rows = base_rows()
    xrow = list(rows["xueji"][0])
    float_row = list(xrow)
    float_row[0] = "L2019000123"
    float_row[4] = float(CHILD_A)  # Excel stored the ID as a number
    float_row[3] = 40973  # an Excel date serial in 出生日期
    int_row = list(xrow)
    int_row[5] = 4343000001  # a numeric 学校标识码 cell: short integers are exact
    rows["xueji"] = [xrow, float_row, int_row]
    report, con = _ingest(write_bundle(tmp_path / "b", rows, xlsx=("xueji",)))
    got = dict((r[0], r[1:]) for r in _rows(con, "SELECT record_key, id_issue, id_norm, id_prefix, birth_date::VARCHAR, warnings FROM person_records WHERE source = 'xueji'"))
    assert got["xueji:1"][:2] == ("ok", CHILD_A)
    assert got["xueji:2"][0] == "sci_notation" and got["xueji:2"][1] is None
    assert CHILD_A.startswith(got["xueji:2"][2])
    assert "id_sci_notation" in got["xueji:2"][4]
    assert got["xueji:2"][3] == "2012-03-05"  # from the Excel serial
    assert got["xueji:3"][:2] == ("ok", CHILD_A)
    assert _rows(con, "SELECT school_id FROM xueji WHERE record_key = 'xueji:3'")[0][0] == "4343000001"
    assert report.counts["xueji"].accepted == 3


def test_header_alias_builtin_and_from_file(tmp_path):
    headers = {s: list(f.headers) for s, f in FILES.items()}
    headers["hukou"][0] = "公民身份号码"  # built-in alias
    headers["fupin"][0] = "身份证号（18位）"  # built-in alias after dropping the note
    headers["minzheng"][0] = "救助对象证件"  # only via the alias file
    path = write_bundle(tmp_path / "b", headers=headers)
    with pytest.raises(BundleError) as err:
        _ingest(path)
    assert "minzheng" in str(err.value) and "身份证号" in str(err.value)
    (path / "header_aliases.json").write_text(
        json.dumps({"minzheng": {"身份证号": ["救助对象证件"]}}, ensure_ascii=False), encoding="utf-8")
    report, con = _ingest(path)
    assert report.rejects == 0
    assert _rows(con, "SELECT id_norm FROM person_records WHERE record_key = 'minzheng:1'")[0][0] == CHILD_B


def test_alias_file_from_the_workspace(tmp_path):
    headers = {s: list(f.headers) for s, f in FILES.items()}
    headers["canlian"][1] = "残疾人姓名"
    path = write_bundle(tmp_path / "b", headers=headers)
    ws = tmp_path / "aliases.json"
    ws.write_text(json.dumps({"*": {"name_raw": "残疾人姓名"}}, ensure_ascii=False), encoding="utf-8")
    report, con = _ingest(path, extra_aliases=ws)
    assert _rows(con, "SELECT name_norm FROM person_records WHERE record_key = 'canlian:1'")[0][0] == "王强"


def test_missing_required_column_names_file_column_and_aliases(tmp_path):
    headers = {s: list(f.headers) for s, f in FILES.items()}
    headers["hukou"][9] = "备注"  # 户籍状态 gone
    with pytest.raises(BundleError) as err:
        _ingest(write_bundle(tmp_path / "b", headers=headers))
    msg = str(err.value)
    assert "\n" not in msg
    assert "hukou.csv" in msg and "户籍状态" in msg and "人员状态" in msg and "header_aliases.json" in msg


DOCUMENTED_TABLES = {  # docs/workspace.md, "Written by bundle.ingest"
    "manifest", "divisions", "schools", "person_records", "hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu",
    "contacts", "visits", "rejects", "ingest_counts",
}


def test_only_the_documented_tables_stay_whether_ingest_succeeds_or_fails(tmp_path):
    """The working tables (an attached in-memory database, TEMP tables of the threads'
    cursors) are gone when ingest_bundle returns or raises, and the connection can
    ingest again."""
    con = duckdb.connect()
    threads = _rows(con, "SELECT current_setting('threads')")[0][0]
    headers = {s: list(f.headers) for s, f in FILES.items()}
    headers["hukou"][9] = "备注"  # a required column missing: raises while the other files are read
    with pytest.raises(BundleError):
        ingest_bundle(write_bundle(tmp_path / "bad", headers=headers), con, workspace_aliases=None)
    databases = lambda: {r[0] for r in _rows(con, "SELECT database_name FROM duckdb_databases() WHERE NOT internal")}  # noqa: E731
    assert databases() == {"memory"}
    assert _rows(con, "SELECT count(*) FROM duckdb_tables()")[0][0] == 0
    report = ingest_bundle(write_bundle(tmp_path / "good"), con, workspace_aliases=None)
    _assert_accounted(report, con)
    assert databases() == {"memory"}
    assert {r[0] for r in _rows(con, "SELECT table_name FROM duckdb_tables()")} == DOCUMENTED_TABLES
    settings = "SELECT current_setting('preserve_insertion_order'), current_setting('disabled_compression_methods'), current_setting('threads')"
    assert _rows(con, settings)[0] == (True, "", threads)  # put back as they were


def test_missing_optional_column_is_null(tmp_path):
    rows = base_rows()
    headers = {s: list(f.headers) for s, f in FILES.items()}
    del headers["hukou"][4]  # 民族
    for r in rows["hukou"]:
        del r[4]
    report, con = _ingest(write_bundle(tmp_path / "b", rows, headers=headers))
    assert _rows(con, "SELECT ethnicity FROM hukou WHERE record_key = 'hukou:1'")[0][0] is None


def test_bad_rows_are_rejected_with_code_and_chinese_reason(tmp_path):
    rows = base_rows()
    h = rows["hukou"]
    h.append(["", "", "男", "2012-01-01", "汉族", "H009", "", "", "431202101001", "正常"])  # 3: no identity
    h.append(["4.31225E+17", "", "男", "", "汉族", "H010", "", "", "431202101001", "正常"])  # 4: sci + no name
    h.append(["", "", "", "", "", "", "", "", "", ""])  # 5: blank row in the middle
    h.append(["4.31225E+17", "王五", "男", "2012-02-30", "汉族", "H011", "", "", "431202101001", "外出"])  # 6: accepted, warnings
    h.append([CHILD_A, "张伟", "男"])  # 7: too few fields
    h.append([CHILD_A, "张伟", "男", "2012-03-05", "汉族", "H001", "张三", "子", "431202101001", "正常"])  # 8: duplicate of 1
    report, con = _ingest(write_bundle(tmp_path / "b", rows))
    rej = {r[0]: (r[1], r[2]) for r in _rows(con, "SELECT record_key, code, reason FROM rejects")}
    assert rej["hukou:3"][0] == "NO_IDENTITY"
    assert rej["hukou:4"][0] == "ID_UNRECOVERABLE_AND_NO_NAME"
    assert rej["hukou:5"][0] == "EMPTY_ROW"
    assert rej["hukou:7"][0] == "MALFORMED_ROW"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for _, reason in rej.values())
    assert report.counts["hukou"].rows_in == 8
    assert report.counts["hukou"].rejected == 4 and report.counts["hukou"].accepted == 4
    _assert_accounted(report, con)
    w = _rows(con, "SELECT warnings, birth_date, id_prefix FROM person_records WHERE record_key = 'hukou:6'")[0]
    assert {"id_sci_notation", "birth_date_invalid", "hukou_status_invalid"} <= set(w[0])
    assert w[1] is None and w[2] == "43122"
    assert _rows(con, "SELECT hukou_status FROM hukou WHERE record_key = 'hukou:6'")[0][0] is None
    # identical rows: same fingerprint plus an occurrence suffix, in row order
    fp1, fp8 = (_rows(con, "SELECT fingerprint FROM person_records WHERE record_key = ?", k)[0][0] for k in ("hukou:1", "hukou:8"))
    assert fp8 == fp1 + "#2"
    counts = {r[0]: r[1:] for r in _rows(con, "SELECT stem, rows_in, accepted, rejected FROM ingest_counts")}
    assert counts["hukou"] == (8, 4, 4)


def test_trailing_blank_rows_are_not_data_rows(tmp_path):
    path = write_bundle(tmp_path / "b")
    p = path / "hukou.csv"
    p.write_bytes(p.read_bytes() + b",,,,,,,,,\r\n\r\n\r\n")
    report, _ = _ingest(path)
    assert report.counts["hukou"].rows_in == 2


def test_fingerprint_is_independent_of_row_order(tmp_path):
    rows = base_rows()
    r1, _ = _ingest(write_bundle(tmp_path / "a", rows))
    con1 = duckdb.connect()
    ingest_bundle(tmp_path / "a", con1, workspace_aliases=None)
    rows["hukou"].reverse()
    con2 = duckdb.connect()
    ingest_bundle(write_bundle(tmp_path / "b", rows), con2, workspace_aliases=None)
    fp = lambda con: {r[0] for r in _rows(con, "SELECT fingerprint FROM person_records WHERE source = 'hukou'")}  # noqa: E731
    assert fp(con1) == fp(con2)
    assert _rows(con1, "SELECT record_key FROM person_records WHERE source='hukou' AND name_norm='张伟'")[0][0] == "hukou:1"
    assert _rows(con2, "SELECT record_key FROM person_records WHERE source='hukou' AND name_norm='张伟'")[0][0] == "hukou:2"


def test_dirty_values_accepted_with_warnings(tmp_path):
    rows = base_rows()
    bad_check = CHILD_A[:17] + ("0" if CHILD_A[17] != "0" else "1")
    rows["xueji"].append(["L20190001", "李 娜", "女", "2014年7月11日", "", "4343009999", "初一", "在读", "431202", "", "也许"])
    rows["fupin"].append([bad_check, "張偉", "1", "F002", "", "", "431299999999", "不详类型"])
    rows["zizhu"].append(["G" + CHILD_A, CHILD_A, "张伟", "生活补助", "五百元", "2025年秋季", "431202000000", "2025/10/2", "现金"])
    rows["zizhu"].append(["", "", "李娜", "生活补助", "500", "", "abc", "", ""])
    report, con = _ingest(write_bundle(tmp_path / "b", rows))
    assert report.rejects == 0
    x = _rows(con, "SELECT name_norm, birth_date::VARCHAR, warnings, xueji_no, id_norm FROM person_records WHERE record_key = 'xueji:2'")[0]
    assert x[0] == "李娜" and x[1] == "2014-07-11" and x[3] == "L20190001" and x[4] is None
    assert {"school_unknown", "boarding_invalid"} <= set(x[2])
    assert _rows(con, "SELECT grade, hukou_code, boarding FROM xueji WHERE record_key = 'xueji:2'")[0] == ("七年级", "431202", None)
    f = _rows(con, "SELECT id_issue, id_valid, id_candidates, name_norm, sex, warnings FROM person_records WHERE record_key = 'fupin:2'")[0]
    assert f[0] == "bad_check" and not f[1] and CHILD_A in f[2] and f[3] == "张伟" and f[4] == "M"
    assert {"id_bad_check", "division_unknown", "poverty_type_invalid"} <= set(f[5])
    z = {r[0]: r[1:] for r in _rows(con, "SELECT record_key, amount, term, paying_county, paid_date::VARCHAR FROM zizhu")}
    assert z["zizhu:2"] == (None, "2025秋", "431202", "2025-10-02")
    zw = _rows(con, "SELECT warnings FROM person_records WHERE record_key = 'zizhu:2'")[0][0]
    assert "amount_invalid" in zw
    zw3 = _rows(con, "SELECT warnings FROM person_records WHERE record_key = 'zizhu:3'")[0][0]
    assert {"term_missing", "paying_county_invalid"} <= set(zw3)


def test_id_from_g_xueji_no_when_the_id_column_is_empty(tmp_path):
    rows = base_rows()
    rows["xueji"][0][4] = ""
    report, con = _ingest(write_bundle(tmp_path / "b", rows))
    r = _rows(con, "SELECT id_raw, id_norm, id_valid, warnings FROM person_records WHERE record_key = 'xueji:1'")[0]
    assert r[0] == "" and r[1] == CHILD_A and r[2] and "id_from_xueji_no" in r[3]


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda p: (p / "manifest.json").unlink(), "manifest.json"),
        (lambda p: (p / "manifest.json").write_text("{not json", encoding="utf-8"), "JSON"),
        (lambda p: (p / "manifest.json").write_text(json.dumps({**MANIFEST, "term": "2025fall"}), encoding="utf-8"), "term"),
        (lambda p: (p / "manifest.json").write_text(json.dumps({k: v for k, v in MANIFEST.items() if k != "reference_date"}), encoding="utf-8"), "reference_date"),
        (lambda p: (p / "visits.csv").unlink(), "visits"),
        (lambda p: (p / "hukou.csv").write_bytes("身份证号,姓名\n".encode("utf-16")), "hukou.csv"),
        (lambda p: (p / "hukou.csv").write_bytes(b"\x81\x20\x81\x20\xff\xfe\x00garbage"), "hukou.csv"),
        (lambda p: write_csv(p / "hukou.xlsx", ["a"], []), "hukou"),
    ],
)
def test_bundle_errors_are_one_line(tmp_path, mutate, needle):
    path = write_bundle(tmp_path / "b")
    mutate(path)
    with pytest.raises(BundleError) as err:
        _ingest(path)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_bundle_dir(tmp_path):
    with pytest.raises(BundleError, match="不存在"):
        _ingest(tmp_path / "nope")


def test_spring_term_school_year(tmp_path):
    report, con = _ingest(write_bundle(tmp_path / "b", manifest={**MANIFEST, "term": "2026春"}))
    assert report.manifest.school_year_start.isoformat() == "2025-09-01"
    assert _rows(con, "SELECT school_year_start::VARCHAR FROM manifest")[0][0] == "2025-09-01"


def test_a_csv_named_xlsx_or_an_xlsx_named_csv_is_read_by_its_bytes(tmp_path):
    path = write_bundle(tmp_path / "b", xlsx=("fupin",))
    (path / "fupin.xlsx").rename(path / "fupin.csv")
    report, con = _ingest(path)
    assert report.encodings["fupin"] == "xlsx"
    assert report.counts["fupin"].accepted == 1


def test_fast_and_general_csv_readers_agree(tmp_path, monkeypatch):
    """The Arrow fast path (quote-free rectangular files) and the general csv reader
    give the same staging tables."""
    import notoneless.bundle.files as files

    rows = base_rows()
    rows["hukou"].append(["", "王 五", "男", "2012.01.02", "汉族", "H009", "", "", "431202101001", "正常"])
    path = write_bundle(tmp_path / "b", rows, encodings={"hukou": "gb18030", "fupin": "utf-8-sig"})
    used = []
    real = files._fast_csv
    monkeypatch.setattr(files, "_fast_csv", lambda *a: used.append(a[0]) or real(*a))
    _, con_fast = _ingest(path)
    assert "hukou" in used and "fupin" in used
    monkeypatch.setattr(files, "_fast_csv", lambda *a: None)
    _, con_slow = _ingest(path)
    for table in ("person_records", "hukou", "xueji", "fupin", "zizhu", "contacts", "visits", "rejects", "ingest_counts"):
        q = f"SELECT * FROM {table} ORDER BY ALL"
        assert con_fast.execute(q).fetchall() == con_slow.execute(q).fetchall(), table


def test_quoted_fields_with_commas_and_newlines(tmp_path):
    rows = base_rows()
    rows["hukou"][0][6] = "张三,户主"  # a comma inside a quoted field
    rows["hukou"][1][7] = "女\n儿"  # a newline inside a quoted field: still one row
    rows["hukou"].append(["", "", "", "", "", "", "", "", "", ""])  # blank middle row …
    rows["hukou"].append([CHILD_A, "张伟", "男", "2012-03-05", "汉族", "H001", "张三", "子", "431202101001", "正常"])
    report, con = _ingest(write_bundle(tmp_path / "b", rows))
    assert report.counts["hukou"].rows_in == 4
    assert _rows(con, "SELECT code FROM rejects WHERE record_key = 'hukou:3'")[0][0] == "EMPTY_ROW"
    assert _rows(con, "SELECT head_name FROM person_records WHERE record_key = 'hukou:1'")[0][0] == "张三,户主"
    assert _rows(con, "SELECT count(*) FROM person_records WHERE record_key = 'hukou:4'")[0][0] == 1


def test_header_only_files_are_fine(tmp_path):
    rows = {stem: [] for stem in FILES}
    report, con = _ingest(write_bundle(tmp_path / "b", rows, xlsx=("canlian",)))
    assert all(c.rows_in == 0 for c in report.counts.values())
    assert _rows(con, "SELECT count(*) FROM person_records")[0][0] == 0


def test_workspace_alias_file_is_read(tmp_path):
    from notoneless.bundle.aliases import ALIAS_FILE
    from notoneless.config import Settings

    headers = {s: list(f.headers) for s, f in FILES.items()}
    headers["minzheng"][3] = "救助类别名称"
    path = write_bundle(tmp_path / "b", headers=headers)
    ws = tmp_path / "ws"
    ws.mkdir()
    aliases = Settings(workspace=ws).paths.aliases
    assert aliases.name == ALIAS_FILE
    aliases.write_text(json.dumps({"minzheng": {"救助类型": ["救助类别名称"]}}, ensure_ascii=False), encoding="utf-8")
    report, con = _ingest(path, workspace_aliases=aliases)
    assert _rows(con, "SELECT relief_type FROM minzheng")[0][0] == "农村低保"
