"""``notoneless explain A B`` reads the last run's workspace and prints a Chinese table."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from notoneless.cli import app
from notoneless.config import Settings, get_settings
from notoneless.linkage import scoring

from .records import Rec, load, make_id, population
from .test_model import CASES


def test_explain_command_prints_levels_weights_and_decision(tmp_path):
    recs = list(population(60, seed=21)[0])
    start = len(recs)
    recs.extend(CASES["typo"])
    db = tmp_path / "linkage.duckdb"
    con = duckdb.connect(str(db))
    keys = load(con, recs)
    scoring.link(con, Settings(workspace=tmp_path), run_id="cli")
    con.close()
    before = _tables(db)
    a, b = keys[start], keys[start + 1]

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["explain", a, b], env={"NOTONELESS_WORKSPACE": str(tmp_path)})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    out = result.output
    assert "身份证号" in out and "纠错后一致" in out
    assert "合计" in out and "结论：同一人" in out
    # explaining never changes the workspace: the run's tables are as they were
    assert _tables(db) == before


def _tables(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT table_name, estimated_size FROM duckdb_tables()").fetchall()
    con.close()
    return dict(rows)


def test_explain_command_unknown_key_is_one_line_error(tmp_path):
    con = duckdb.connect(str(tmp_path / "linkage.duckdb"))
    load(con, [Rec("hukou", "王芳", make_id("431224", __import__("datetime").date(2014, 1, 2), 11))])
    con.close()
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["explain", "hukou:1", "xueji:99"], env={"NOTONELESS_WORKSPACE": str(tmp_path)})
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "xueji:99" in str(result.exception or result.output)
