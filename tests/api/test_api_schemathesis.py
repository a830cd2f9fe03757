"""Property-based API test: schemathesis, as its own command line, against ``notoneless
serve`` running as a real server (uvicorn over HTTP on a free port) on the scene of
tests/api (the real local Neo4j), with a county officer's token.

Every check schemathesis has (``--checks all``: no 5xx, documented status codes, content
types and headers, response bodies as the schema says, schema-violating requests
rejected, schema-valid ones accepted, unsupported methods answered 405 with ``Allow``,
auth not ignored, …) over its four phases (examples, coverage, fuzzing, stateful), both
positive and negative data. Bounded: a few generated examples per operation, one fixed
seed, one client worker (the coverage phase alone sends ~1,500 requests).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from serving import serving

from notoneless.api.contract import openapi_text

pytestmark = pytest.mark.graph

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
MAX_EXAMPLES = 5
SEED = 20


def test_the_running_server_passes_every_schemathesis_check(graph_settings, graph_store, scene, tmp_path) -> None:
    with serving(graph_settings, graph_store, tmp_path / "serve.log", workers=1) as (_, port):
        result = subprocess.run(
            [SCHEMATHESIS, "run", f"http://127.0.0.1:{port}/openapi.json", "--checks", "all",
             "--header", f"Authorization: Bearer {scene['county_a']}", "--max-examples", str(MAX_EXAMPLES),
             "--seed", str(SEED), "--workers", "1", "--mode", "all", "--request-timeout", "60",
             "--phases", "examples,coverage,fuzzing,stateful", "--no-color"],
            capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-12000:]  # a failed check, or an error of the tool itself
    operations = sum(len(ops) for ops in json.loads(openapi_text())["paths"].values())
    assert re.search(rf"Selected: {operations}/{operations}\s+Tested: {operations}\b", report), report[-4000:]
