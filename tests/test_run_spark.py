"""`notoneless run` with NOTONELESS_LINKAGE_ENGINE=spark: the engine is a setting, so the
whole run works on Spark and gives what the DuckDB run gives, file for file."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from run_helpers import OUTPUT_FILES

from notoneless.run import run_bundle
from notoneless.synth import WorldConfig, generate_bundle

pytestmark = pytest.mark.graph


def test_a_run_on_spark_gives_the_same_outputs_as_on_duckdb(graph, graph_settings, spark, spark_settings, tmp_path):
    summary = generate_bundle(tmp_path / "gen", WorldConfig(counties=2, children_per_county=400, seed=7))
    duck = run_bundle(summary.bundle_dir, tmp_path / "duckdb", graph_settings, console=Console(file=io.StringIO()))
    on_spark = graph_settings.model_copy(update={
        "linkage_engine": "spark", "spark_shuffle_partitions": spark_settings.spark_shuffle_partitions})
    shown = io.StringIO()
    sprk = run_bundle(summary.bundle_dir, tmp_path / "spark", on_spark, console=Console(file=shown, width=200))
    assert sum(duck.findings.values()) > 50
    # the same workspace: person ids carry over, so equal persons give byte-equal files
    for name in OUTPUT_FILES:
        assert (tmp_path / "duckdb" / name).read_bytes() == (tmp_path / "spark" / name).read_bytes(), name
    assert (sprk.findings, sprk.persons, sprk.identity_conflicts) == (duck.findings, duck.persons, duck.identity_conflicts)
    assert sprk.cases["new"] == 0 and sprk.cases["still_open"] == duck.cases["new"]
    engines = [json.loads((tmp_path / out / "summary.json").read_text(encoding="utf-8"))["linkage_engine"]
               for out in ("duckdb", "spark")]
    assert engines == ["duckdb", "spark"]
    assert "比对引擎" in shown.getvalue() and "Spark" in shown.getvalue()
