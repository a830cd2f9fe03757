"""Every pair the model can score is explained: each review of a generated bundle (through
``GET /reviews/{id}`` and ``notoneless explain A B``), and random pairs across all six
sources, including records from files without a birth-date column (fupin, minzheng,
canlian), whose NULL column once broke the explanation's Splink prediction."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import duckdb
import pytest
from api_client import api_client, auth
from run_helpers import forget_history
from typer.testing import CliRunner

from notoneless.access.users import Role, create_user
from notoneless.bundle.schema import PERSON_SOURCES
from notoneless.cli import app
from notoneless.config import get_settings
from notoneless.linkage.explain import explain_last_run
from notoneless.run import run_bundle
from notoneless.synth import HardCaseRates, WorldConfig, generate_bundle

pytestmark = pytest.mark.graph


@pytest.fixture(scope="module")
def generated_run(graph_store, graph_settings, tmp_path_factory):
    graph_store.clear()
    forget_history(graph_settings)
    tmp = tmp_path_factory.mktemp("explain-bundle")
    summary = generate_bundle(tmp / "gen", WorldConfig(counties=2, children_per_county=300, seed=5,
                                                         hard=replace(HardCaseRates(), no_id=0.03, namesakes=0.05)))
    run_bundle(summary.bundle_dir, tmp / "out", graph_settings)
    token = create_user(graph_store, "省管理员", Role.PROVINCE, "43")
    yield token
    graph_store.clear()


def test_every_review_explains_through_the_api_and_the_cli(graph_store, graph_settings, generated_run):
    with api_client(graph_store, graph_settings) as client:
        listed = client.get("/reviews", params={"limit": 500, "decided": True, "auto": True}, headers=auth(generated_run)).json()
        assert "items" in listed, listed
        reviews = listed["items"]
        assert reviews and len(reviews) == listed["total"]
        sources = set()
        for item in reviews:
            r = client.get(f"/reviews/{item['review_id']}", headers=auth(generated_run))
            assert r.status_code == 200, r.text
            detail = r.json()
            assert detail["explanation"] is not None, detail.get("explanation_error")
            ex = detail["explanation"]
            sources |= {ex["key_a"].split(":")[0], ex["key_b"].split(":")[0]}
    assert sources  # (on a bundle this small the queue holds hukou and xueji pairs; the random pairs below
    # cover the files without a birth date)
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        for item in reviews:
            a, b = item["record_key_a"], item["record_key_b"]
            result = runner.invoke(app, ["explain", a, b, "--by", "省管理员"],
                                   env={"NOTONELESS_WORKSPACE": str(graph_settings.workspace), "COLUMNS": "200",
                                        "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port)})
            assert result.exit_code == 0, (a, b, result.output, result.exception)
            assert "结论：" in result.output
    finally:
        get_settings.cache_clear()
    # each read left exactly one audit event: a review_read per GET /reviews/{id}, a
    # pair_explain per notoneless explain
    kinds = graph_store.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent) RETURN a.action AS kind, count(*) AS n").data())
    counts = {r["kind"]: r["n"] for r in kinds}
    assert counts.get("review_read") == len(reviews) and counts.get("pair_explain") == len(reviews), counts


def test_random_pairs_across_all_six_sources_explain(graph_settings, generated_run):
    con = duckdb.connect(str(graph_settings.paths.linkage), read_only=True)
    try:
        keys = {s: [k for (k,) in con.execute("SELECT record_key FROM person_records WHERE source = ? ORDER BY record_key",
                                              [s]).fetchall()] for s in PERSON_SOURCES}
    finally:
        con.close()
    assert all(keys.values()), {s: len(k) for s, k in keys.items()}
    rng = random.Random(20)
    pairs = [(rng.choice(keys[a]), rng.choice(keys[b])) for a, b in itertools.combinations_with_replacement(PERSON_SOURCES, 2)]
    for a, b in pairs:
        ex = explain_last_run(graph_settings, a, b)
        assert ex.rows[0].comparison == "先验" and len(ex.rows) == 8, (a, b)
        assert abs(sum(r.match_weight for r in ex.rows) - ex.match_weight) < 1e-6, (a, b)
        assert ex.decision, (a, b)




def test_the_kept_scorer_lets_a_run_rewrite_the_workspace_and_follows_it(graph_settings, generated_run):
    # The server keeps one scorer per run's files (linkage/explain.py _Scorer): it must not
    # hold the workspace database between explanations (a run opens it for writing), and
    # it must score with the new files once a run rewrote them.
    con = duckdb.connect(str(graph_settings.paths.linkage), read_only=True)
    try:
        a, b = con.execute("SELECT min(record_key), max(record_key) FROM person_records WHERE source = 'hukou'").fetchone()
    finally:
        con.close()
    first = explain_last_run(graph_settings, a, b)
    writer = duckdb.connect(str(graph_settings.paths.linkage))  # what a run does: raises if the file is still held
    try:
        writer.execute("CREATE OR REPLACE TABLE explain_probe AS SELECT 1 AS x")
        writer.execute("DROP TABLE explain_probe")
        writer.execute("CHECKPOINT")
    finally:
        writer.close()
    again = explain_last_run(graph_settings, a, b)  # the files changed: a fresh scorer, the same answer
    assert (again.match_weight, again.decision) == (first.match_weight, first.decision)
