"""The five checks on a hand-built prefecture (tests/handbuilt_scenario.py), through the real
load into the real local Neo4j, against rows worked out by hand."""

from __future__ import annotations

import dataclasses

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
    assert counts == {"written": total, "seen": 0, "retired": 0}
    # the next run no longer finds P20's duplicate: that finding is retired, not deleted
    later = {k: [f for f in v if f.person_id != "P20" or k != "duplicate_subsidies"] for k, v in findings.items()}
    counts = catalogue.record_findings(graph, "run-2", later)
    assert counts == {"written": 0, "seen": total - 1, "retired": 1}
    trail = find_trail(graph, "P20")[0]
    assert [(f["kind"], f["active"]) for f in trail["findings"] if f["kind"] == "duplicate_subsidies"] == [
        ("duplicate_subsidies", False)
    ]


def _findings_graph(graph) -> dict:
    """Every Finding node's properties and where its relationships go."""
    return {
        r["key"]: r
        for r in graph.execute_read(lambda tx: tx.run(
            "MATCH (f:Finding) RETURN f.key AS key, properties(f) AS props, "
            "COLLECT { MATCH (f)-[x]->(n) RETURN type(x) + '>' + coalesce(n.person_id, n.code, n.run_id) AS e "
            "ORDER BY e } AS links").data())
    }


def _recorded_in_full(graph, run_id, findings):
    """The findings written as before issue 21: every one by findings/record."""
    rows = [{"key": f.key, "kind": f.kind, "label": catalogue.LABELS[f.kind], "person_id": f.person_id,
             "division_code": f.division_code, "columns": list(f.row.keys()), "values": list(f.row.values()),
             "run_id": run_id} for kind in catalogue.KINDS for f in findings.get(kind, [])]
    graph.write_rows("findings/record", rows)
    graph.query("findings/retire", run_id=run_id)
    graph.query("findings/relink")


def test_a_rerun_writes_only_changed_findings_and_ends_as_a_full_write(graph, workspace, findings):
    """Run 2 drops a finding, changes one, brings back none; run 3 brings the dropped one back
    (inactive: written again) and adds one. Written only what changed, the graph ends with the
    same findings and links as when every finding is written in full."""
    gaps = findings["contact_gaps"]
    changed = dataclasses.replace(gaps[0], row={**gaps[0].row, "最近走访日期": "2025-01-01"})
    run2 = {**findings, "contact_gaps": [changed, *gaps[2:]]}
    extra = dataclasses.replace(gaps[1], key=gaps[1].key + "x")
    run3 = {**findings, "contact_gaps": [*gaps, extra]}
    runs = [("run-1", findings), ("run-2", run2), ("run-3", run3)]
    for run_id, _ in runs:
        graph.query("runs/start", run_id=run_id, name="t", province_code="52", term="2025秋",
                    reference_date="2025-10-15", bundle="b", started_at="2025-10-16T08:00:00Z")
    total = sum(len(v) for v in findings.values())
    counts = [catalogue.record_findings(graph, run_id, f) for run_id, f in runs]
    assert counts == [
        {"written": total, "seen": 0, "retired": 0},
        {"written": 1, "seen": total - 2, "retired": 1},
        {"written": 3, "seen": total - 2, "retired": 0},  # the changed one back, the dropped one, the new one
    ]
    diffed = _findings_graph(graph)
    graph.execute_write(lambda tx: tx.run("MATCH (f:Finding) DETACH DELETE f").consume())
    for run_id, f in runs:
        _recorded_in_full(graph, run_id, f)
    assert _findings_graph(graph) == diffed
    assert diffed[changed.key]["props"]["values"] == list(gaps[0].row.values()) and diffed[extra.key]["props"]["first_run_id"] == "run-3"


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
