"""跨县就读 (cross_county_students.csv): students 在读 at a school outside their
registration county. Query: ``checks/cross_county_students``; 范围, 资助责任县 and
核实责任县 are the rules of :mod:`notoneless.checks.attribution`."""

from __future__ import annotations

from notoneless.checks.attribution import cross_county_scope, subsidy_county, verifying_county_enrolled
from notoneless.checks.findings import CheckContext, Finding, finding_key, text
from notoneless.graph.store import GraphStore

KIND = "cross_county_students"
LABEL = "跨县就读"
COLUMNS = ("person_id", "户籍县", "学籍县", "范围", "资助责任县", "核实责任县")
SORT = ("person_id", "学籍县")


def sort_key(row: dict[str, str]) -> tuple:
    """The file's order (stable: the sort columns, then the whole row)."""
    return (tuple(row[c] for c in SORT), tuple(row.values()))


def find(store: GraphStore, ctx: CheckContext) -> list[Finding]:
    findings = []
    for r in store.query("checks/cross_county_students"):
        reg, school = r["registration_county"], r["school_county"]
        scope = cross_county_scope(reg, school, ctx.province_code)
        if scope is None:  # both counties outside the province: no county of ours is concerned
            continue
        row = {
            "person_id": r["person_id"],
            "户籍县": text(reg),
            "学籍县": text(school),
            "范围": scope,
            "资助责任县": text(subsidy_county(reg, school, ctx.province_code)),
            "核实责任县": text(verifying_county_enrolled(reg, school)),
        }
        findings.append(Finding(KIND, finding_key(KIND, r["person_id"]), row, person_id=r["person_id"]))
    return findings
