"""`notoneless run` with damaged or unexpected input (issue 18): a cell that is too long
is a row reject, not a run failure; files the contract does not name are reported in
the run's output and in summary.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notoneless.run import run_bundle

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
