"""/runs is scoped like everything else (issue 20: a county officer saw the whole
prefecture's totals and the server's file paths): a province caller sees the run's
counts, a narrower one the run's findings in their scope only; and no response — a run,
a problem — carries a path of the server's disk."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from api_client import auth
from api_scene import RUN_ID
from fastapi.testclient import TestClient

from notoneless.api.app import create_app

pytestmark = pytest.mark.graph


def test_a_county_sees_its_own_counts_and_no_server_path(client, scene, graph_store, graph_settings):
    ws = str(graph_settings.workspace)
    summary = {"bundle": f"{ws}/bundle", "out_dir": f"{ws}/out", "findings": {"unmatched_children": 2}}
    graph_store.query("runs/finish", run_id=RUN_ID, records=6, persons=4, rejects=0, findings=2,
                      summary_json=json.dumps(summary, ensure_ascii=False),
                      finished_at=dt.datetime(2025, 10, 16, 8, 5, tzinfo=dt.UTC).isoformat())
    province = client.get(f"/runs/{RUN_ID}", headers=auth(scene["province"])).json()
    assert province["findings"] == 2 and province["persons"] == 4
    assert set(province["summary"]) == {"findings"}
    county_b = client.get(f"/runs/{RUN_ID}", headers=auth(scene["county_b"])).json()
    kinds = {k["kind"]: k["findings"] for k in client.get("/findings/kinds", headers=auth(scene["county_b"])).json()
             if k["findings"]}
    assert county_b["summary"]["findings"] == kinds and county_b["findings"] == sum(kinds.values())
    assert county_b["summary"]["findings"]["unmatched_children"] == 1  # P04's, not the province's 2
    assert county_b.get("persons") is None and county_b.get("records") is None
    for who in scene:
        listed = client.get("/runs", headers=auth(scene[who]))
        assert listed.status_code == 200 and ws not in listed.text and "/bundle" not in listed.text, who


def test_a_problem_never_names_a_server_path(graph_store, graph_settings, scene, tmp_path):
    empty = graph_settings.model_copy(update={"workspace": tmp_path / "empty-workspace"})
    with TestClient(create_app(empty, store=graph_store), raise_server_exceptions=False) as c:
        r = c.get("/linkage/explain", params={"a": "hukou:1", "b": "fupin:1"}, headers=auth(scene["county_a"]))
    assert r.status_code == 409, r.text
    assert str(tmp_path) not in r.text and "notoneless run" in r.json()["detail"]


def test_swagger_ui_and_redoc_load_only_local_assets(client):
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "cdn.jsdelivr.net" not in r.text and "fonts.googleapis.com" not in r.text and "unpkg.com" not in r.text
        scripts = [u for u in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/redoc.standalone.js") if u in r.text]
        assert scripts, r.text
        for url in scripts:
            asset = client.get(url)
            assert asset.status_code == 200 and len(asset.content) > 100_000
