"""The SQL forms of the normalisers (bundle/sqlnorm.py) agree with the Python
functions they stand in for, on generated values of every shape: a value the SQL
covers gets exactly the Python result, and the common shapes are covered."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from notoneless.bundle import maps, sqlnorm
from notoneless.bundle.work import Work
from notoneless.normalize import codes, names
from notoneless.normalize.dates import parse_date
from notoneless.normalize.idnumber import PROVINCE_CODES, normalize_id, normalize_id_row
from notoneless.normalize.targets import normalize_target

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_CON = duckdb.connect()  # one for the module: connecting costs more than a test example


def _table(values: list[str]) -> duckdb.DuckDBPyConnection:
    """The connection, holding table ``src(v)`` with the distinct values (not TEMP: the
    map builders read it through their own cursor)."""
    _CON.register("_src", pa.table({"v": pa.array(sorted(set(values)), pa.string())}))
    _CON.execute("CREATE OR REPLACE TABLE src AS SELECT * FROM _src")
    _CON.unregister("_src")
    return _CON


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in con.execute(sql).fetchall()}


# --- ID numbers -------------------------------------------------------------------------------

_REGIONS = sorted(PROVINCE_CODES) + ["00", "10", "99", "47"]


@st.composite
def _id_like(draw) -> str:
    """Mostly well-formed numbers (valid, wrong check, odd dates, unknown provinces),
    some with the dirt of real extracts, some plain junk."""
    kind = draw(st.integers(0, 9))
    if kind == 9:
        return draw(st.text(alphabet="0123456789Xx .E+-'", max_size=22))
    region = draw(st.sampled_from(_REGIONS)) + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=4, max_size=4)))
    y = draw(st.integers(1880, dt.date.today().year + 2))
    m, d = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    body = f"{region}{y:04d}{m:02d}{d:02d}{draw(st.integers(0, 999)):03d}"
    n = body + ric.calc_check_digit(body + "0")
    if draw(st.booleans()):  # a slip
        i = draw(st.integers(0, 17))
        n = n[:i] + draw(st.sampled_from("0123456789X")) + n[i + 1:]
    if kind == 8:
        n = draw(st.sampled_from([n.lower(), " " + n, "'" + n, n[:6] + n[8:17], n + "12", n.replace("1", "１")]))
    return n


@SETTINGS
@given(st.lists(_id_like(), min_size=1, max_size=100))
def test_id_sql_agrees_with_normalize_id(values):
    con = _table(values)
    got = _rows(con, sqlnorm.id_ok_select("src"))
    for v in set(values):
        canonical_ok = normalize_id(v).id_issue == "ok" and normalize_id(v).id_norm == v
        if v in got:
            assert got[v] == tuple(normalize_id_row(v)), v
        assert (v in got) == canonical_ok, v  # covers exactly the valid numbers needing no cleaning


# --- 学籍号, household keys ------------------------------------------------------------------------


_XNO = st.one_of(
    st.builds(lambda p, body: p + body, st.sampled_from(["G", "L", "g", "X", ""]),
              st.text(alphabet="0123456789ABXx -'", min_size=0, max_size=32)),
    st.text(max_size=8),
)


@SETTINGS
@given(st.lists(_XNO, min_size=1, max_size=100))
def test_xueji_no_sql_agrees(values):
    con = _table(values)
    got = _rows(con, sqlnorm.xueji_no_ok_select("src"))
    for v in set(values):
        if v in got:
            x = codes.normalize_xueji_no(v)
            assert got[v] == (x, codes.id_from_xueji_no(x)), v
    assert all(v in got for v in values if v[:1] in "GL" and v[1:].isalnum() and v[1:].isascii()
               and v[1:].upper() == v[1:] and 4 <= len(v) - 1 <= 30)


_KEY = st.one_of(
    st.text(alphabet="0123456789ABCFHNUL", min_size=0, max_size=12),
    st.sampled_from(["NULL", "NONE", "NAN", "N/A", "0", "H-001", "h001", "１２３", "123.0"]),
    st.text(max_size=6),
)


@SETTINGS
@given(st.lists(_KEY, min_size=1, max_size=100))
def test_household_key_sql_agrees(values):
    con = _table(values)
    unchanged = {r[0] for r in con.execute(f"SELECT v FROM src WHERE {sqlnorm.household_key_ok('v')}").fetchall()}
    for v in set(values):
        assert (v in unchanged) == (codes.normalize_household_key(v) == v and v.isascii() and v.isalnum()), v


# --- dates -----------------------------------------------------------------------------------------


@st.composite
def _date_like(draw) -> str:
    y, m, d = draw(st.integers(1850, 2150)), draw(st.integers(0, 14)), draw(st.integers(0, 33))
    shape = draw(st.integers(0, 6))
    if shape == 6:
        return draw(st.text(alphabet="0123456789-/.年月日 :T", max_size=14))
    sep = draw(st.sampled_from(["-", "/", ".", "年"]))
    sep2 = draw(st.sampled_from(["-", "/", ".", "月"]))
    forms = [f"{y}{sep}{m}{sep2}{d}", f"{y}{sep}{m:02d}{sep2}{d:02d}", f"{y:04d}{m:02d}{d:02d}",
             f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d} 00:00:00", f" {y}-{m}-{d}"]
    return forms[shape]


@SETTINGS
@given(st.lists(_date_like(), min_size=1, max_size=100))
def test_date_sql_agrees_with_parse_date(values):
    _check_dates(values)


def test_date_sql_at_the_edges():
    _check_dates(["1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "2012-02-30", "2000-02-29", "1900-02-29",
                  "2012年3月5日", "2012年03月05", "20120305", "20121305", "2012/3/5", "2012.3.5", "2012-3-5日"])


def _check_dates(values: list[str]) -> None:
    con = _table(values)
    got = _rows(con, sqlnorm.date_select("src"))
    for v in set(values):
        if v in got:
            assert got[v] == parse_date(v), v
        if re.fullmatch(r"[0-9]{8}|[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?", v):
            assert v in got, v


# --- names -----------------------------------------------------------------------------------------

# surnames (common, compound, with special readings), given-name characters (some
# traditional), middle-dot variants, spaces, full-width and ASCII letters, a character
# outside the BMP, a combining mark, a placeholder
_SURNAME = st.sampled_from(sorted(names.COMMON_SURNAMES | names.COMPOUND_SURNAMES | set(names.SURNAME_READINGS)))
_GIVEN = st.lists(st.sampled_from(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚偉麗軍買提乾𠀀")), min_size=1, max_size=3).map("".join)
_ODD = st.sampled_from(["·", ".", "•", "・", "．", " ", "\u3000", "Ａ", "b", "7", "e\u0301", "-", "无", "張", "區", "歐陽"])
_NAME = st.one_of(
    st.tuples(_SURNAME, _GIVEN).map("".join),  # 张伟
    st.tuples(_GIVEN, _SURNAME).map("".join),  # 伟张: written given-name-first
    st.tuples(_GIVEN, _ODD, _GIVEN, st.sampled_from(["", "·", "."]), _GIVEN).map("".join),  # minority names, dirt
    st.lists(st.one_of(_SURNAME, _GIVEN, _ODD), max_size=5).map("".join),
    st.text(max_size=5),
)


@SETTINGS
@given(st.lists(_NAME, min_size=1, max_size=100))
def test_name_map_agrees_with_normalize_name(values):
    with Work(_table(values)) as work:
        maps.build_name_map(work.cursor(), ["v FROM src"])
        got = _rows(work.cursor(), "SELECT * FROM _m_name")
    for v in set(values):
        r = names.normalize_name(v)
        assert got[v] == (r.name_norm, r.surname, r.given_name, r.name_pinyin, r.surname_pinyin, r.given_pinyin,
                          r.name_swapped), v


# --- 包保对象 --------------------------------------------------------------------------------------


@SETTINGS
@given(st.lists(st.tuples(st.one_of(_id_like(), _KEY, _XNO, st.sampled_from(["431202101001", "431202"])),
                          st.sampled_from([None, "包村", "包户", "包人"])), min_size=1, max_size=60))
def test_target_map_agrees_with_normalize_target(pairs):
    _CON.register("_pairs", pa.table({"raw": pa.array([p[0] for p in pairs], pa.string()),
                                      "duty": pa.array([p[1] for p in pairs], pa.string())}))
    _CON.execute("CREATE OR REPLACE TABLE pairs AS SELECT * FROM _pairs")
    _CON.unregister("_pairs")
    with Work(_CON) as work:
        maps.build_target_map(work.cursor(), ["SELECT raw, duty FROM pairs"])
        got = {(r[0], r[1]): r[2:] for r in work.cursor().execute("SELECT * FROM _m_target").fetchall()}
        assert len(got) == work.cursor().execute("SELECT count(*) FROM _m_target").fetchall()[0][0]  # one row per pair
    for raw, duty in set(pairs):
        t = normalize_target(raw, duty)
        assert got[(raw, duty or "")] == (t.norm, t.kind, list(t.candidates)), (raw, duty)


@SETTINGS
@given(st.lists(st.tuples(st.one_of(_id_like(), _KEY, _XNO), st.sampled_from(["", "包村", "包户", "包人"])),
                min_size=1, max_size=60))
def test_target_sql_agrees_and_covers_the_clean_shapes(pairs):
    _CON.register("_pairs", pa.table({"raw": pa.array([p[0] for p in pairs], pa.string()),
                                      "duty": pa.array([p[1] for p in pairs], pa.string())}))
    _CON.execute("CREATE OR REPLACE TABLE pairs AS SELECT DISTINCT * FROM _pairs")
    _CON.unregister("_pairs")
    got = {(r[0], r[1]): r[2:] for r in _CON.execute(sqlnorm.target_ok_select("pairs")).fetchall()}
    for raw, duty in set(pairs):
        t = normalize_target(raw, duty or None)
        if (raw, duty) in got:
            assert got[(raw, duty)] == (t.norm, t.kind, list(t.candidates)), (raw, duty)
        clean = bool(re.fullmatch("[0-9A-Z]+", raw)) and raw not in ("NULL", "NONE", "NAN")
        if duty == "包户" and clean or duty != "包村" and re.fullmatch("[GL][0-9A-Z]{8,30}", raw):
            assert (raw, duty) in got, (raw, duty)  # the common shapes are covered
