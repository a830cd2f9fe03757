"""`notoneless run` with damaged or unexpected input (issue 18): a cell that is too long
is a row reject, not a run failure; files the contract does not name are reported in
the run's output and in summary.json."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from run_helpers import OUTPUT_FILES, graph_counts

from notoneless.errors import NotOneLessError
from notoneless.run import STOP_AT_ENV, run_bundle

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parent / "fixtures" / "handmade_bundle"


def _copy(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(HANDMADE, bundle, ignore=shutil.ignore_patterns("expected", "README.md"))
    return bundle


def test_a_9kb_name_is_a_row_reject_and_the_run_completes(graph, graph_settings, tmp_path):
    bundle = _copy(tmp_path)
    lines = (bundle / "hukou.csv").read_bytes().decode("gb18030").split("\n")
    cells = lines[2].split(",")
    cells[1] = "张" * 9000  # hukou:2
    lines[2] = ",".join(cells)
    (bundle / "hukou.csv").write_bytes("\n".join(lines).encode("gb18030"))
    (bundle / "extra.csv").write_text("a\r\n1\r\n", encoding="utf-8")
    report = run_bundle(bundle, tmp_path / "out", graph_settings)
    rejects = (tmp_path / "out" / "rejects.csv").read_text(encoding="utf-8")
    line = next(x for x in rejects.splitlines() if x.startswith("hukou:2,"))
    assert line.endswith("[FIELD_TOO_LONG]") and "9000" in line
    entities = (tmp_path / "out" / "entities.csv").read_text(encoding="utf-8")
    assert "\nhukou:2," not in entities and "\nhukou:3," in entities
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["bundle_warnings"] == report.bundle_warnings
    assert [w["code"] for w in summary["bundle_warnings"]] == ["UNKNOWN_FILE"]


# --- a run killed at a stage: the next run marks it 中断 and gives the same result ------


@pytest.mark.parametrize("stage", ["load", "checks", "outputs"])
def test_a_run_killed_at_a_stage_is_marked_interrupted_and_the_rerun_is_whole(graph, graph_settings, tmp_path, stage):
    reference = run_bundle(HANDMADE, tmp_path / "ref", graph_settings, console=Console(file=io.StringIO()))
    nodes, rels = graph_counts(graph)
    env = {**os.environ, "NOTONELESS_WORKSPACE": str(graph_settings.workspace), STOP_AT_ENV: stage}
    killed = subprocess.run(
        [sys.executable, "-c", "from notoneless.cli import main; main()", "run", str(HANDMADE), "--out",
         str(tmp_path / "killed")],
        check=False, env=env, capture_output=True, text=True, timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    unfinished = graph.execute_read(
        lambda tx: tx.run("MATCH (r:Run) WHERE r.finished_at IS NULL RETURN r.run_id AS id").data())
    out = io.StringIO()
    rerun = run_bundle(HANDMADE, tmp_path / "after", graph_settings, console=Console(file=out, width=300))
    for name in OUTPUT_FILES:
        assert (tmp_path / "ref" / name).read_bytes() == (tmp_path / "after" / name).read_bytes(), name
    assert rerun.findings == reference.findings
    runs = graph.execute_read(lambda tx: tx.run(
        "MATCH (r:Run) RETURN r.run_id AS id, r.status AS status, r.finished_at IS NULL AS open").data())
    assert not any(r["open"] and r["status"] is None for r in runs), runs  # no run left "running"
    if unfinished:  # the killed run had written its Run node: marked 中断, and the rerun said so
        assert {r["id"] for r in runs if r["status"] == "中断"} == {u["id"] for u in unfinished}
        assert "中断" in out.getvalue() and unfinished[0]["id"] in out.getvalue()
    nodes2, rels2 = graph_counts(graph)  # no case, event or decision lost or written twice
    history = ("Run", "CaseChange")  # grow with every run (the change feed: one per run and case)
    assert {k: v for k, v in nodes2.items() if k not in history} == {k: v for k, v in nodes.items() if k not in history}
    assert {k: v for k, v in rels2.items() if k != "SEEN_IN"} == {k: v for k, v in rels.items() if k != "SEEN_IN"}


# --- the output directory: checked before any work, written whole ------------------------

def test_out_that_is_a_file_fails_at_once_before_the_graph_is_touched(graph, graph_settings, tmp_path):
    out = tmp_path / "out"
    out.write_text("not a directory", encoding="utf-8")
    with pytest.raises(NotOneLessError) as failed:
        run_bundle(HANDMADE, out, graph_settings, console=Console(file=io.StringIO()))
    assert failed.value.code == "OUTPUT_ERROR"
    assert "是一个文件" in str(failed.value) and "\n" not in str(failed.value)
    assert out.read_text(encoding="utf-8") == "not a directory"
    runs = graph.execute_read(lambda tx: tx.run("MATCH (r:Run) RETURN count(r) AS n").single()["n"])
    assert runs == 0  # nothing was run: no Run node, no ledger change


def test_outputs_replace_the_old_ones_whole_and_debris_of_a_killed_run_is_removed(graph, graph_settings, tmp_path):
    out = tmp_path / "out"
    debris = out / ".notoneless-tmp-20250101T000000Z-dead00-x"
    debris.mkdir(parents=True)
    (debris / "entities.csv").write_text("record_key,person_id\nhalf", encoding="utf-8")
    (out / "entities.csv").write_text("old", encoding="utf-8")
    (out / "notes.txt").write_text("an officer's own file", encoding="utf-8")
    said = io.StringIO()
    run_bundle(HANDMADE, out, graph_settings, console=Console(file=said, width=300))
    assert not debris.exists() and "临时文件" in said.getvalue()
    assert sorted(p.name for p in out.iterdir()) == [
        "entities.csv", "findings", "findings.xlsx", "notes.txt", "rejects.csv", "summary.json"]
    assert (out / "entities.csv").read_text(encoding="utf-8").startswith("record_key,person_id\n")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "an officer's own file"
