"""``notoneless explain A B`` reads the last run's workspace and prints a Chinese table;
the reader is a registered user (``--by`` / NOTONELESS_USER) and the read is audited in
the graph (a ``pair_explain`` event). As in the API (GET /linkage/explain), a record
out of the reader's division is as not found, and that read is not shown."""

from __future__ import annotations

import duckdb
import pytest
from officers import officer
from typer.testing import CliRunner

from notoneless.access.users import Role
from notoneless.cli import app
from notoneless.config import Settings, get_settings
from notoneless.graph import server
from notoneless.linkage import scoring

from .records import Rec, load, make_id, population
from .test_model import CASES

pytestmark = pytest.mark.graph


def _env(workspace, graph_settings) -> dict[str, str]:
    """The CLI over ``workspace``'s linkage results and the test session's graph, as 县数据员."""
    return {"NOTONELESS_WORKSPACE": str(workspace), "NOTONELESS_USER": "县数据员",
            "NOTONELESS_GRAPH_URI": f"bolt://127.0.0.1:{graph_settings.graph_port}",
            "NOTONELESS_GRAPH_PASSWORD": server.read_password(graph_settings)}


def _in_graph(graph, keys: list[str], division: str) -> None:
    """The records as the run writes them into the graph: each of a person, in ``division``."""
    graph.execute_write(lambda tx: tx.run(
        "UNWIND $keys AS k CREATE (:Person {person_id: 'P-' + k})-[:HAS_RECORD]->"
        "(:SourceRecord {record_key: k, division_code: $division})", keys=keys, division=division).consume())


def _explain(tmp_path, graph_settings, a: str, b: str, user: str = "县数据员"):
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["explain", a, b, "--by", user], env=_env(tmp_path, graph_settings))
    finally:
        get_settings.cache_clear()


def test_explain_command_prints_levels_weights_and_decision(tmp_path, graph, graph_settings):
    reader = officer(graph, "县数据员", Role.COUNTY, "431224")
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
    _in_graph(graph, [a, b], "431224")

    result = _explain(tmp_path, graph_settings, a, b)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "身份证号" in out and "纠错后一致" in out
    assert "合计" in out and "结论：同一人" in out
    # explaining never changes the workspace: the run's tables are as they were
    assert _tables(db) == before
    # the read is audited: one event, by the reader, of the pair, from this machine
    events = graph.execute_read(lambda tx: tx.run(
        "MATCH (e:AuditEvent) RETURN e.action AS action, e.user_id AS user_id, e.target AS target, "
        "e.source AS source").data())
    assert len(events) == 1 and events[0]["action"] == "pair_explain" and events[0]["user_id"] == reader.user_id
    assert events[0]["target"] == f"{a} {b}" and events[0]["source"].startswith("cli:")


def _tables(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT table_name, estimated_size FROM duckdb_tables()").fetchall()
    con.close()
    return dict(rows)


def test_explain_command_unknown_key_is_one_line_error(tmp_path, graph, graph_settings):
    officer(graph, "县数据员", Role.COUNTY, "431224")
    con = duckdb.connect(str(tmp_path / "linkage.duckdb"))
    load(con, [Rec("hukou", "王芳", make_id("431224", __import__("datetime").date(2014, 1, 2), 11))])
    con.close()
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["explain", "hukou:1", "xueji:99"], env=_env(tmp_path, graph_settings))
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "xueji:99" in str(result.exception or result.output)


def test_explain_command_out_of_the_readers_division_is_not_found(tmp_path, graph, graph_settings):
    # a county officer of 431202 asks about two records of 431224: the same message as a
    # record that does not exist, and nothing read, so nothing audited
    officer(graph, "鹤城区数据员", Role.COUNTY, "431202")
    con = duckdb.connect(str(tmp_path / "linkage.duckdb"))
    when = __import__("datetime").date(2014, 1, 2)
    load(con, [Rec("hukou", "王芳", make_id("431224", when, 11)), Rec("xueji", "王芳", make_id("431224", when, 11))])
    con.close()
    _in_graph(graph, ["hukou:1", "xueji:1"], "431224")
    result = _explain(tmp_path, graph_settings, "hukou:1", "xueji:1", user="鹤城区数据员")
    assert result.exit_code != 0
    message = str(result.exception or result.output)
    assert "辖区内没有记录 hukou:1、xueji:1" in message and "王芳" not in result.output
    assert graph.execute_read(lambda tx: tx.run("MATCH (e:AuditEvent) RETURN count(e) AS n").single()["n"]) == 0
