"""The published contract: api/openapi.json is what the app generates.

When this fails after an intended change of the API, regenerate the file:
    .venv/bin/notoneless api openapi > api/openapi.json
"""

from __future__ import annotations

import json

from notoneless.api.contract import CONTRACT_PATH, openapi_text


def test_committed_openapi_matches_the_app() -> None:
    assert CONTRACT_PATH.is_file(), "api/openapi.json is missing: notoneless api openapi > api/openapi.json"
    committed = CONTRACT_PATH.read_text(encoding="utf-8")
    generated = openapi_text()
    if committed != generated:
        old, new = json.loads(committed), json.loads(generated)
        changed = sorted(set(old.get("paths", {})) ^ set(new.get("paths", {})))
        raise AssertionError(
            "api/openapi.json differs from the app"
            + (f" (paths added/removed: {', '.join(changed)})" if changed else "")
            + ": regenerate it with `notoneless api openapi > api/openapi.json` and commit it."
        )


def test_every_operation_documents_problems_and_a_chinese_summary() -> None:
    spec = json.loads(openapi_text())
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"
            if path != "/health":
                assert "application/problem+json" in op["responses"]["404"]["content"], f"{method.upper()} {path}"
