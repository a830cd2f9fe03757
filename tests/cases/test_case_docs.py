"""docs/cases.md names every case type, state, action and reason the code has."""

from __future__ import annotations

from pathlib import Path

import pytest

from notoneless.cases.reasons import REASONS
from notoneless.cases.states import ACTION_LABELS, Action, State
from notoneless.cases.types import CASE_TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cases.md").read_text(encoding="utf-8")

NAMES = (
    [f"`{a.value}`" for a in Action]
    + [ACTION_LABELS[a] for a in Action]
    + [s.value for s in State]
    + [f"`{t.value}`" for t in CASE_TYPES]
    + [s.label for s in CASE_TYPES.values()]
    + [f"`{s.finding_kind}`" for s in CASE_TYPES.values()]
    + list(REASONS)
    + [r.label for r in REASONS.values()]
)


@pytest.mark.parametrize("name", NAMES)
def test_documented(name: str) -> None:
    assert name in DOC
