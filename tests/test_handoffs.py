"""The tables stages hand each other (notoneless.handoffs): every table a stage reads was
written by an earlier one, and the declared names and columns are what a run leaves in
its DuckDB workspace."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

import notoneless
from notoneless import handoffs, run
from notoneless.handoffs import HANDOFFS, unwritten_reads
from notoneless.run import STAGE_NAMES, STAGES, Stage, run_bundle

HANDMADE = Path(__file__).parent / "fixtures" / "handmade_bundle"
SRC = Path(notoneless.__file__).parent


def test_every_read_is_written_by_an_earlier_stage() -> None:
    assert unwritten_reads(STAGES) == []
    assert STAGE_NAMES == ("graph", "ingest", "link", "load", "checks", "cases", "outputs")


def test_every_hand_off_has_one_writing_stage() -> None:
    writers = [t.name for s in STAGES for t in s.writes]
    assert sorted(writers) == sorted(t.name for t in HANDOFFS)
    assert {t.writer for t in HANDOFFS} <= set(STAGE_NAMES)


def test_a_read_before_its_writer_is_caught() -> None:
    by_name = {s.name: s for s in STAGES}
    early = replace(by_name["ingest"], reads=(handoffs.ENTITIES,))
    assert unwritten_reads([by_name["graph"], early, by_name["link"]]) == [
        "stage ingest reads entities, which no earlier stage writes"
    ]
    # a stage may read only its own TEMP tables without an earlier writer
    assert unwritten_reads([replace(by_name["checks"], reads=(handoffs.G_CONTACTS,))])
    assert unwritten_reads([replace(by_name["link"], writes=(handoffs.REJECTS,), reads=())]) == [
        "stage link writes rejects, declared as written by ingest"
    ]


def test_temp_hand_offs_are_spelled_only_in_handoffs_py() -> None:
    """The load's TEMP tables are named through the constants, not a literal in the SQL."""
    for path in SRC.rglob("*.py"):
        if path.name == "handoffs.py":
            continue
        text = path.read_text(encoding="utf-8")
        for t in HANDOFFS:
            if t.temp:
                hits = [line for line in text.splitlines()
                        if re.search(rf"\b{t.name}\b", line) and not line.lstrip().startswith("#")
                        and "``" not in line]
                assert not hits, f"{path.relative_to(SRC)} spells {t.name}: {hits}"


@pytest.mark.graph
def test_a_run_leaves_the_declared_tables(graph, graph_settings, tmp_path, monkeypatch) -> None:
    """A probe stage after the load sees every hand-off (TEMP ones included) with its columns."""
    seen: dict[str, tuple[list[str], bool]] = {}

    def probe(rc: run.RunContext) -> None:
        rows = rc.con.execute(
            "SELECT c.table_name, list(c.column_name ORDER BY c.column_index), any_value(t.temporary) "
            "FROM duckdb_columns() c JOIN duckdb_tables() t USING (table_oid) GROUP BY c.table_name"
        ).fetchall()
        seen.update({name: (cols, temp) for name, cols, temp in rows})

    stages = list(STAGES)
    stages.insert(STAGE_NAMES.index("load") + 1, Stage("probe", "probe", probe, spinner=False))
    monkeypatch.setattr(run, "STAGES", tuple(stages))
    monkeypatch.setitem(run.STAGE_LABELS, "probe", "probe")
    report = run_bundle(HANDMADE, tmp_path / "out", graph_settings)
    assert "probe" in report.seconds
    for t in HANDOFFS:
        assert t.name in seen, f"{t.name} (written by {t.writer}) is not in the workspace"
        cols, temp = seen[t.name]
        assert tuple(cols) == t.columns, t.name
        assert temp == t.temp, t.name
