"""`notoneless run` end to end: the hand-made bundle gives exactly its expected findings,
a small generated bundle scores F1 >= 0.98 per finding kind against its truth, a re-run
gives identical outputs and the same graph, and the CLI fails with one line when it
cannot run."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from officers import officer
from openpyxl import load_workbook
from run_helpers import OUTPUT_FILES, graph_counts

from notoneless import export
from notoneless.access.users import Role
from notoneless.checks.catalogue import CHECKS
from notoneless.evaluation import format_scores, score_findings
from notoneless.normalize.names import normalize_name
from notoneless.run import run_bundle
from notoneless.synth import WorldConfig, generate_bundle

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parent / "fixtures" / "handmade_bundle"
EXPECTED = HANDMADE / "expected"

def test_handmade_bundle_gives_exactly_its_expected_findings_and_reruns_identically(graph, graph_settings, tmp_path):
    first = run_bundle(HANDMADE, tmp_path / "out1", graph_settings)
    scores = score_findings(tmp_path / "out1", EXPECTED, truth_persons=EXPECTED / "persons.csv")
    for kind, s in scores.items():
        expected_rows = s.true_positives + s.false_negatives
        # every expected finding found, nothing else, every column equal
        assert (s.false_positives, s.false_negatives, s.rows_equal) == (0, 0, expected_rows), format_scores(scores)
    rejects = (tmp_path / "out1" / "rejects.csv").read_text(encoding="utf-8")
    assert rejects.splitlines()[0] == "record_key,reason" and "\nfupin:10," in rejects
    # every reason is Chinese for the officer and ends with its stable machine code
    for line in rejects.splitlines()[1:]:
        assert re.search(r"[\u4e00-\u9fff].*\[[A-Z0-9_]+\]$", line), line
    assert first.findings == {c.KIND: sum(1 for _ in open(EXPECTED / f"{c.KIND}.csv")) - 1 for c in CHECKS}
    # findings CSVs: UTF-8 with BOM, the contract's header
    for check in CHECKS:
        raw = (tmp_path / "out1" / "findings" / f"{check.KIND}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert raw[3:].decode("utf-8").splitlines()[0] == ",".join(check.COLUMNS)

    # every named person carries its name's pinyin (the API searches by it)
    people = graph.execute_read(lambda tx: tx.run("MATCH (p:Person) RETURN p.name AS name, p.name_pinyin AS py").data())
    assert people and all(p["py"] == normalize_name(p["name"]).name_pinyin for p in people if p["name"])

    nodes, rels = graph_counts(graph)
    second = run_bundle(HANDMADE, tmp_path / "out2", graph_settings)
    for name in OUTPUT_FILES:
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes(), name
    nodes2, rels2 = graph_counts(graph)
    # the same graph; only the run history grows (one more Run, its SEEN_IN links, and the
    # change feed's entry for every case it reconciled)
    history = ("Run", "CaseChange")
    assert {k: v for k, v in nodes2.items() if k not in history} == {k: v for k, v in nodes.items() if k not in history}
    assert nodes2["Run"] == nodes["Run"] + 1
    assert nodes2["CaseChange"] == 2 * nodes["CaseChange"]
    assert {k: v for k, v in rels2.items() if k != "SEEN_IN"} == {k: v for k, v in rels.items() if k != "SEEN_IN"}
    assert first.run_id != second.run_id
    # the ledger: every finding opened a case on the first run; the re-run opens none,
    # keeps them all open and closes nothing behind the officers' backs
    assert first.cases["new"] > 0 and first.cases["new"] >= len(first.findings) - 1
    assert second.cases == {"new": 0, "still_open": first.cases["new"], "resolved_by_data": 0, "reopened": 0, "merged": 0,
                            "reattached": 0, "excluded_still_seen": 0, "transferred": 0}
    assert nodes2["Case"] == first.cases["new"]


def test_findings_workbook_is_ready_for_officers(graph, graph_settings, tmp_path):
    run_bundle(HANDMADE, tmp_path / "out", graph_settings)
    wb = load_workbook(tmp_path / "out" / "findings.xlsx")
    assert wb.sheetnames == [c.LABEL for c in CHECKS]
    for check in CHECKS:
        ws = wb[check.LABEL]
        headers = [c.value for c in ws[1]]
        # the contract's columns first, in order; the readable ones (XLSX only) after them
        assert headers[: len(check.COLUMNS)] == [{"person_id": "人员编号"}.get(c, c) for c in check.COLUMNS]
        assert headers[len(check.COLUMNS):] == [
            *(h for h in ("姓名", "身份证号", "性别", "出生日期", "学校") if h not in check.COLUMNS),
            *(f"{c}名称" for c in check.COLUMNS if c in export.CODE_COLUMNS)]
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[cell.column_letter].width >= len(str(cell.value)) for cell in ws[1])
    assert wb["疑似失学辍学"].max_row == 1 + 4

    def rows(title: str) -> list[dict[str, object]]:
        values = list(wb[title].iter_rows(values_only=True))
        return [dict(zip(values[0], r)) for r in values[1:]]

    lina = next(r for r in rows("疑似失学辍学") if r["姓名"] == "李娜")
    assert lina["出生日期"].date() == dt.date(2012, 11, 11) and lina["性别"] == "女"
    assert lina["户籍区划代码名称"] == "溆浦县卢峰镇城南村" and lina["责任县名称"] == "溆浦县"
    twice = next(r for r in rows("重复资助") if r["重复金额"] == 625)
    assert twice["笔数"] == 2 and twice["发放县名称"] == "溆浦县；麻阳苗族自治县" and twice["姓名"]
    gaps = {r["姓名"] for r in rows("三包缺位") if r["类型"] == "包户缺位"}
    assert {"李娜", "李强"} <= gaps
    # a 三包 case's title names the child beside the person id (not a contract output)
    titles = graph.execute_read(lambda tx: tx.run(
        "MATCH (c:Case {case_type: 'contact_gap'}) RETURN c.title AS t").value())
    assert any(t.startswith("包户缺位：李娜（") for t in titles), titles
    # the trail of a child, by an ID number typed with a lower-case x, from the CLI (read as
    # a registered user: the read is audited)
    officer(graph, "县数据员", Role.COUNTY, "431224")
    result = _cli(["trail", "43122420121111028x"], tmp_path, NOTONELESS_WORKSPACE=str(graph_settings.workspace),
                  NOTONELESS_USER="县数据员")
    assert result.returncode == 0, result.stderr
    for expected in ("李娜", "户籍", "民政救助", "农村低保", "疑似失学辍学", "三包缺位"):
        assert expected in result.stdout
    missing = _cli(["trail", "P-NOBODY"], tmp_path, NOTONELESS_WORKSPACE=str(graph_settings.workspace),
                   NOTONELESS_USER="县数据员")
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1


def test_generated_bundle_scores_against_truth(graph, graph_settings, tmp_path):
    summary = generate_bundle(tmp_path / "gen", WorldConfig(counties=2, children_per_county=400, seed=7))
    run_bundle(summary.bundle_dir, tmp_path / "out", graph_settings)
    scores = score_findings(tmp_path / "out", summary.truth_dir)
    print(format_scores(scores))
    for kind, s in scores.items():
        assert s.true_positives + s.false_negatives > 0, f"the generated truth has no {kind}: enlarge the bundle"
        assert s.f1 >= 0.98, format_scores(scores)


def test_hard_profile_bundle_runs_end_to_end(graph, graph_settings, tmp_path):
    """A bundle of the hard profile (hand-typed village lists) goes through the whole job;
    its findings are scored against its truth (figures in benchmarks/linkage_accuracy.py)."""
    from notoneless.synth.rates import world_config

    summary = generate_bundle(tmp_path / "gen", world_config("hard", counties=2, children_per_county=400, seed=10))
    report = run_bundle(summary.bundle_dir, tmp_path / "out", graph_settings)
    assert report.persons > 0
    for name in OUTPUT_FILES:
        assert (tmp_path / "out" / name).is_file(), name
    scores = score_findings(tmp_path / "out", summary.truth_dir)
    print(format_scores(scores))
    for kind, s in scores.items():
        assert s.true_positives + s.false_negatives > 0, f"the generated truth has no {kind}: enlarge the bundle"
        assert s.f1 >= 0.95, format_scores(scores)


def _cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NOTONELESS_")}
    environ.update({"NOTONELESS_WORKSPACE": str(tmp_path / "ws"), "COLUMNS": "200", **env})
    exe = Path(sys.executable).parent / "notoneless"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=environ, timeout=120)


@pytest.mark.parametrize("case", ["missing bundle", "bad manifest", "graph unreachable"])
def test_cli_fails_with_one_line_when_it_cannot_run(case, tmp_path):
    bundle = HANDMADE
    env: dict[str, str] = {}
    if case == "missing bundle":
        bundle = tmp_path / "no-such-bundle"
    elif case == "bad manifest":
        bundle = tmp_path / "bundle"
        bundle.mkdir()
        (bundle / "manifest.json").write_text('{"name": "x", "term": "2025冬"', encoding="utf-8")
    else:
        env = {"NOTONELESS_GRAPH_URI": "bolt://127.0.0.1:9", "NOTONELESS_GRAPH_PASSWORD": "x"}
    result = _cli(["run", str(bundle), "--out", str(tmp_path / "out")], tmp_path, **env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "entities.csv").exists()
