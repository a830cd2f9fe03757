"""The five checks on a hand-built prefecture (tests/handbuilt_scenario.py), through the real
load into the real local Neo4j, against rows worked out by hand."""

from __future__ import annotations

import duckdb
import handbuilt_scenario as sc
import pytest
from handbuilt_workspace import build_workspace

from notoneless.checks import catalogue
from notoneless.checks.findings import CheckContext
from notoneless.graph.load import load_graph
from notoneless.trail import find_trail

pytestmark = pytest.mark.graph


@pytest.fixture
def workspace() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_workspace(
        con,
        divisions=sc.DIVISIONS,
        schools=sc.SCHOOLS,
        records=sc.records(),
        contacts=sc.CONTACTS,
        visits=sc.VISITS,
    )
    return con


@pytest.fixture
def findings(graph, workspace):
    load_graph(workspace, graph, run_id="run-1")
    return catalogue.run_checks(graph, CheckContext.from_workspace(workspace))


def _rows(findings, kind):
    return [tuple(f.row.values()) for f in findings[kind]]


def test_every_check_returns_the_contract_columns_in_order(findings):
    for check in catalogue.CHECKS:
        for f in findings[check.KIND]:
            assert tuple(f.row) == check.COLUMNS


def test_unmatched_children(findings):
    got = {r[0]: r for r in _rows(findings, "unmatched_children")}
    assert sorted(got) == sorted(sc.EXPECTED_UNMATCHED)
    for pid, (code, county, fupin, relief, disabled) in sc.EXPECTED_UNMATCHED.items():
        row = got[pid]
        assert row[1] == f"儿童{pid}"
        assert row[2] == sc.ID[pid]
        assert row[3] == f"{sc.ID[pid][6:10]}-{sc.ID[pid][10:12]}-{sc.ID[pid][12:14]}"  # from the ID
        assert row[4:] == (code, county, fupin, relief, disabled)


def test_cross_county_students(findings):
    assert _rows(findings, "cross_county_students") == sc.EXPECTED_CROSS


def test_duplicate_subsidies(findings):
    assert _rows(findings, "duplicate_subsidies") == sc.EXPECTED_DUPLICATES


def test_missed_subsidies(findings):
    assert _rows(findings, "missed_subsidies") == sc.EXPECTED_MISSED


def test_contact_gaps(findings):
    assert _rows(findings, "contact_gaps") == sc.EXPECTED_GAPS


def test_findings_are_recorded_and_retired(graph, workspace, findings):
    counts = catalogue.record_findings(graph, "run-1", findings)
    total = sum(len(v) for v in findings.values())
    assert counts == {"written": total, "retired": 0}
    # the next run no longer finds P20's duplicate: that finding is retired, not deleted
    later = {k: [f for f in v if f.person_id != "P20" or k != "duplicate_subsidies"] for k, v in findings.items()}
    counts = catalogue.record_findings(graph, "run-2", later)
    assert counts == {"written": total - 1, "retired": 1}
    trail = find_trail(graph, "P20")[0]
    assert [(f["kind"], f["active"]) for f in trail["findings"] if f["kind"] == "duplicate_subsidies"] == [
        ("duplicate_subsidies", False)
    ]


def test_trail_finds_a_child_by_any_key(graph, workspace, findings):
    catalogue.record_findings(graph, "run-1", findings)
    by_id = find_trail(graph, " " + sc.ID["P02"][:9] + " " + sc.ID["P02"][9:])  # typed with spaces
    by_xueji = find_trail(graph, sc.XUEJI_P02)
    by_pid = find_trail(graph, "P02")
    assert [t["person"]["person_id"] for t in by_id + by_xueji + by_pid] == ["P02"] * 3
    trail = by_pid[0]
    assert [r["record_key"] for r in trail["records"]] == ["fupin:2", "hukou:2", "xueji:1"]
    assert {(c["contact_id"], c["type"], c["status"]) for c in trail["contacts"]} == {
        ("C1", "包村", "在岗"),
        ("C3", "包户", "离岗"),
        ("C5", "包人", "在岗"),
    }
    assert sorted(str(v["date"]) for v in trail["visits"]) == ["2025-09-15", "2025-10-20"]
    assert {f["kind"] for f in trail["findings"]} == {"missed_subsidies", "contact_gaps"}
    assert find_trail(graph, "P99") == []
