"""A small generated bundle shared by the synth tests (generated once per session)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from notoneless.synth import HardCaseRates, WorldConfig, generate_bundle
from notoneless.synth.writer import FORMATS

# Rare situations are boosted so that each one is present on a bundle this small.
SMALL = WorldConfig(
    counties=3,
    children_per_county=1200,
    seed=11,
    hard=replace(HardCaseRates(), dead=0.01, cancelled=0.006, moved_out=0.01, no_id=0.02, namesakes=0.03,
                 paid_twice_two_counties=0.5, village_contact_missing=0.08, graduated_or_transferred_only=0.01),
)


@pytest.fixture(scope="session")
def small_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-small")
    generate_bundle(out, SMALL, FORMATS)
    return out
