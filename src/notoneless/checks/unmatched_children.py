"""疑似失学辍学 (unmatched_children.csv): children of compulsory age registered here and
not enrolled. Query: ``checks/unmatched_children``; the definitions live in
``checks/person_status``; 责任县 is :func:`attribution.verifying_county_unmatched`."""

from __future__ import annotations

from notoneless.checks.attribution import verifying_county_unmatched
from notoneless.checks.findings import CheckContext, Finding, finding_key, text
from notoneless.graph.store import GraphStore

KIND = "unmatched_children"
LABEL = "疑似失学辍学"
COLUMNS = ("person_id", "姓名", "身份证号", "出生日期", "户籍区划代码", "责任县", "建档立卡", "低保特困", "残疾")
SORT = ("person_id",)


def sort_key(row: dict[str, str]) -> tuple:
    """The file's order (stable: the sort columns, then the whole row)."""
    return (tuple(row[c] for c in SORT), tuple(row.values()))


def find(store: GraphStore, ctx: CheckContext) -> list[Finding]:
    findings = []
    for r in store.query("checks/unmatched_children"):
        row = {
            "person_id": r["person_id"],
            "姓名": text(r["name"]),
            "身份证号": text(r["id_number"]),
            "出生日期": text(r["birth_date"]),
            "户籍区划代码": text(r["registration_code"]),
            "责任县": text(verifying_county_unmatched(r["registration_code"])),
            "建档立卡": text(bool(r["fupin"])),
            "低保特困": text(bool(r["relief"])),
            "残疾": text(bool(r["disabled"])),
        }
        findings.append(
            Finding(KIND, finding_key(KIND, r["person_id"]), row, person_id=r["person_id"],
                    division_code=r["registration_code"])
        )
    return findings
