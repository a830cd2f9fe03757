"""The published contract: ``api/openapi.json``, generated from the app.

Regenerate after changing the API: ``notoneless api openapi > api/openapi.json``
(tests/api/test_api_contract.py fails while the file and the app differ)."""

from __future__ import annotations

import json

from notoneless import resources
from notoneless.config import Settings

# The repository file in a source checkout (where it is regenerated and committed),
# else the copy installed with the package.
CONTRACT_PATH = resources.openapi_contract_path()


def openapi_text() -> str:
    """The app's OpenAPI document as stable JSON text (sorted keys, UTF-8, final newline)."""
    from notoneless.api.app import create_app

    app = create_app(Settings(), store=None)
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
