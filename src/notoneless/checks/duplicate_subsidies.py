"""重复资助 (duplicate_subsidies.csv): a person paid more than once for one 资助项目 in
one 学期. Query: ``checks/duplicate_subsidies``; 应发县 is
:func:`attribution.subsidy_county`; 重复金额 = total paid − the largest payment."""

from __future__ import annotations

from decimal import Decimal

from notoneless.checks.attribution import subsidy_county
from notoneless.checks.findings import CheckContext, Finding, amount, finding_key, text
from notoneless.graph.store import GraphStore

KIND = "duplicate_subsidies"
LABEL = "重复资助"
COLUMNS = ("person_id", "学期", "资助项目", "笔数", "发放县", "应发县", "重复金额")
SORT = ("person_id", "学期", "资助项目")


def sort_key(row: dict[str, str]) -> tuple:
    """The file's order (stable: the sort columns, then the whole row)."""
    return (tuple(row[c] for c in SORT), tuple(row.values()))


def find(store: GraphStore, ctx: CheckContext) -> list[Finding]:
    findings = []
    for r in store.query("checks/duplicate_subsidies"):
        excess = Decimal(amount(r["total"])) - Decimal(amount(r["largest"]))
        row = {
            "person_id": r["person_id"],
            "学期": text(r["term"]),
            "资助项目": text(r["project"]),
            "笔数": str(r["payments"]),
            # the distinct paying counties, sorted (笔数 tells how many payments there were)
            "发放县": ";".join(sorted({c for c in r["paying_counties"] if c})),
            "应发县": text(subsidy_county(r["registration_county"], r["school_county"], ctx.province_code)),
            "重复金额": amount(excess),
        }
        key = finding_key(KIND, r["person_id"], r["term"], r["project"])
        findings.append(Finding(KIND, key, row, person_id=r["person_id"]))
    return findings
