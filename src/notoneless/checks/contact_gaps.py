"""三包缺位 (contact_gaps.csv): gaps in the three contacts of target children.

Query ``checks/contact_gaps`` returns, per target child, what covers them; this module
composes the four gap kinds (contract section 3, item 5):

- 包村缺位: the child's village (the active registration's code, ``active_reg_code``)
  has no 在岗 包村 contact. 对象 = 区划代码 = the village code; one row per village;
  联系人编号 and 最近走访日期 empty.
- 包户缺位: none of the child's households has an 在岗 包户 contact (a child linked to
  no household at all has none covered, so is a gap too).
- 包人缺位: no 在岗 包人 contact.
- 走访逾期: an 在岗 包人 contact but no visit to the child or a household of theirs in
  the 30 days up to reference_date. 联系人编号 = the 在岗 包人 contacts joined by ';'.

For the three person rows 对象 = person_id and 区划代码 = the child's village
(``active_reg_code``, '' without an active registration). 联系人编号 and 最近走访日期
(the latest visit to the child or their households on or before reference_date, ''
if none) are filled only for 走访逾期; empty for the 缺位 rows.
"""

from __future__ import annotations

from typing import Any

from notoneless.checks.findings import CheckContext, Finding, finding_key, text
from notoneless.graph.store import GraphStore

KIND = "contact_gaps"
LABEL = "三包缺位"
COLUMNS = ("类型", "对象", "区划代码", "联系人编号", "最近走访日期")
GAP_TYPES = ("包村缺位", "包户缺位", "包人缺位", "走访逾期")


def sort_key(row: dict[str, str]) -> tuple:
    """The file's order: gap kinds in the contract's order, then 对象."""
    return (GAP_TYPES.index(row["类型"]), row["对象"])


def _row(gap: str, target: str, code: str | None, contacts: str = "", last_visit: Any = None) -> dict[str, str]:
    return {"类型": gap, "对象": target, "区划代码": text(code), "联系人编号": contacts, "最近走访日期": text(last_visit)}


def find(store: GraphStore, ctx: CheckContext) -> list[Finding]:
    first_day, last_day = ctx.window()
    findings: list[Finding] = []
    villages: set[str] = set()
    for r in store.query("checks/contact_gaps", last_day=last_day.isoformat()):
        pid, village = r["person_id"], r["village_code"]
        dates = [d for d in r["visit_dates"] if d is not None]
        last_visit = max(dates, key=text) if dates else None
        if village and not r["village_covered"] and village not in villages:
            villages.add(village)
            findings.append(
                Finding(KIND, finding_key(KIND, "包村缺位", village), _row("包村缺位", village, village),
                        division_code=village)
            )
        if not r["household_covered"]:
            findings.append(
                Finding(KIND, finding_key(KIND, "包户缺位", pid), _row("包户缺位", pid, village),
                        person_id=pid, division_code=village)
            )
        contacts = r["person_contacts"]
        if not contacts:
            findings.append(
                Finding(KIND, finding_key(KIND, "包人缺位", pid), _row("包人缺位", pid, village),
                        person_id=pid, division_code=village)
            )
        elif not any(first_day.isoformat() <= text(d) <= last_day.isoformat() for d in dates):
            findings.append(
                Finding(
                    KIND,
                    finding_key(KIND, "走访逾期", pid),
                    _row("走访逾期", pid, village, ";".join(contacts), last_visit),
                    person_id=pid,
                    division_code=village,
                )
            )
    return findings
