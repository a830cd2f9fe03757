"""The published contract: ``api/openapi.json``, generated from the app.

Regenerate after changing the API: ``notoneless api openapi > api/openapi.json``
(tests/api/test_openapi_contract.py fails while the file and the app differ)."""

from __future__ import annotations

import json
from pathlib import Path

from notoneless.config import Settings

CONTRACT_PATH = Path(__file__).resolve().parents[3] / "api" / "openapi.json"


def openapi_text() -> str:
    """The app's OpenAPI document as stable JSON text (sorted keys, UTF-8, final newline)."""
    from notoneless.api.app import create_app

    app = create_app(Settings(), store=None)
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
