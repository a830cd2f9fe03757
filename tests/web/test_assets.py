"""The pages' npm assets (htmx, ECharts): `notoneless serve` names the ones the set-up did not install."""

from __future__ import annotations

from pathlib import Path

from notoneless.config import Settings
from notoneless.web.app import VENDOR, missing_assets


def test_missing_assets_are_named(tmp_path: Path) -> None:
    empty = Settings(workspace=tmp_path / "ws", web_assets_dir=tmp_path / "no-node-modules")
    assert missing_assets(empty) == list(VENDOR)
    # the set-up (make: npm ci) installs every one into the checkout's node_modules/
    assert missing_assets(Settings(workspace=tmp_path / "ws")) == []
