"""漏助 (missed_subsidies.csv): eligible children 在读 in 一年级…九年级 without a payment in
the manifest's 学期. Query: ``checks/missed_subsidies``; 资格 order is
:data:`definitions.ELIGIBILITY_ORDER`; 责任县 is :func:`attribution.subsidy_county`."""

from __future__ import annotations

from notoneless.checks.attribution import subsidy_county
from notoneless.checks.definitions import join_eligibility
from notoneless.checks.findings import CheckContext, Finding, finding_key, text
from notoneless.graph.store import GraphStore

KIND = "missed_subsidies"
LABEL = "漏助"
COLUMNS = ("person_id", "学期", "资格", "责任县")
SORT = ("person_id",)


def sort_key(row: dict[str, str]) -> tuple:
    """The file's order (stable: the sort columns, then the whole row)."""
    return (tuple(row[c] for c in SORT), tuple(row.values()))


def find(store: GraphStore, ctx: CheckContext) -> list[Finding]:
    findings = []
    for r in store.query("checks/missed_subsidies", term=ctx.term):
        labels = [
            label
            for label, present in (("建档立卡", r["fupin"]), ("低保", r["dibao"]), ("特困", r["tekun"]), ("残疾", r["disabled"]))
            if present
        ]
        row = {
            "person_id": r["person_id"],
            "学期": ctx.term,
            "资格": join_eligibility(labels),
            "责任县": text(subsidy_county(r["registration_county"], r["school_county"], ctx.province_code)),
        }
        findings.append(Finding(KIND, finding_key(KIND, r["person_id"], ctx.term), row, person_id=r["person_id"]))
    return findings
