"""Property-based API test: schemathesis, as its own command line, against ``notoneless
serve`` running as a real server (uvicorn over HTTP on a free port) on the scene of
tests/api (the real local Neo4j), with a county officer's token.

Every check schemathesis has (``--checks all``: no 5xx, documented status codes, content
types and headers, response bodies as the schema says, schema-violating requests
rejected, schema-valid ones accepted, unsupported methods answered 405 with ``Allow``,
auth not ignored, …) over its four phases (examples, coverage, fuzzing, stateful), both
positive and negative data. The generated ids are, more than half the time, ids of the
scene (``CONFIG``: persons, cases, contacts, villages, records…), so that requests reach
the routes' logic rather than their 404. Bounded: a few generated examples per operation,
one fixed seed, one client worker (~2,000 requests).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from api_scene import ID, RUN_ID, T1, T2, TB, V1, V2, V3, V4, A, B
from serving import serving

from notoneless.api.contract import openapi_text

pytestmark = pytest.mark.graph

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
MAX_EXAMPLES = 5
SEED = 20
# Where each kind of id is used (schemathesis' binding keys), with the share of the scene's.
BINDINGS = {
    "persons": ["path.person_id", "query.person_id", "body.targets[*]"],
    "cases": ["path.case_id"],
    "contacts": ["path.contact_id", "body.new_contact_id"],
    "villages": ["path.village", "query.village", "body.village"],
    "towns": ["query.town"],
    "counties": ["query.county"],
    "records": ["query.a", "query.b", "body.record_key_a", "body.record_key_b"],
    "runs": ["path.run_id", "query.run_id"],
}
CONFIG = """
# Two equal record keys are refused with 422 (a decision is about two records): a rule
# between two fields, which JSON Schema cannot state, so 422 is a right answer to a
# schema-valid body of this operation, and of this one only.
[[operations]]
include-name = "POST /decisions"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
"""


def _config(store, path: Path) -> Path:
    """schemathesis.toml: the scene's ids as dictionaries, bound to the parameters that take them."""
    ids = store.execute_read(lambda tx: tx.run(
        "CALL () { MATCH (c:Case) RETURN collect(c.case_id) AS cases } "
        "CALL () { MATCH (r:SourceRecord) RETURN collect(r.record_key) AS records } "
        "CALL () { MATCH (c:Contact) RETURN collect(c.contact_id) AS contacts } "
        "RETURN cases, records, contacts").single().data())
    values = {"persons": sorted(ID), "cases": sorted(ids["cases"]), "contacts": sorted(ids["contacts"]),
              "villages": [V1, V2, V3, V4], "towns": [T1, T2, TB], "counties": [A, B], "records": sorted(ids["records"]),
              "runs": [RUN_ID]}
    lines = [f"[dictionaries.{name}]\nvalues = {json.dumps(v, ensure_ascii=False)}" for name, v in values.items()]
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = 0.6 }}' for name, keys in BINDINGS.items() for key in keys]
    path.write_text("\n".join(lines) + "\n" + CONFIG, encoding="utf-8")
    return path


def test_the_running_server_passes_every_schemathesis_check(graph_settings, graph_store, scene, tmp_path) -> None:
    with serving(graph_settings, graph_store, tmp_path / "serve.log", workers=1) as (_, port):
        result = subprocess.run(
            [SCHEMATHESIS, "--config-file", str(_config(graph_store, tmp_path / "schemathesis.toml")), "run", f"http://127.0.0.1:{port}/openapi.json", "--checks", "all",
             "--header", f"Authorization: Bearer {scene['county_a']}", "--max-examples", str(MAX_EXAMPLES),
             "--seed", str(SEED), "--workers", "1", "--mode", "all", "--request-timeout", "60",
             "--phases", "examples,coverage,fuzzing,stateful", "--no-color"],
            capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-12000:]  # a failed check, or an error of the tool itself
    operations = sum(len(ops) for ops in json.loads(openapi_text())["paths"].values())
    assert re.search(rf"Selected: {operations}/{operations}\s+Tested: {operations}\b", report), report[-4000:]
