"""三包 by village (the officer pages' 三包 view, docs/web.md): a division's towns and
villages, each village with its 包村 contacts, target children and households, gaps and
this month's visit state; and one village in full.

Computed on the current graph with the town roster's rows and definitions
(``contacts/roster.py``: ``village_rows``, ``household_rows``, ``child_rows``, which follow
the contact_gaps check), so an officer's assignment shows at once; the run's
``contact_gaps`` findings change on the next run. This month is the month of the last
run's reference date, up to that date (``contacts/visits.py``).

A village is in scope as a 包村 target is for an action (``contacts/targets_in_scope``);
anything else is ContactNotFound, the same for another county's village and for none.
Role 学校 has no village scope.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from notoneless.access.users import Caller
from notoneless.contacts.roster import (
    child_rows,
    household_rows,
    roster_as_of,
    village_rows,
)
from notoneless.contacts.visits import DUE, OVERDUE, VISITED
from notoneless.errors import ContactNotFound
from notoneless.graph.store import GraphStore

GAP_KINDS = ("包村缺位", "包户缺位", "包人缺位", "走访逾期")
VISIT_STATES = (VISITED, DUE, OVERDUE)
VISIT_LIMIT = 50


def _counts(rows: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    gaps = {k: 0 for k in GAP_KINDS}
    states = {s: 0 for s in VISIT_STATES}
    for r in rows:
        for g in r["gaps"]:
            gaps[g] += 1
        states[r["visit_state"]] += 1
    return gaps, states


def overall_state(states: dict[str, int]) -> str | None:
    """A village's visit state this month: 逾期 if a child is overdue, else 本月待走访 if one
    is still due, else 本月已走访 (None without target children)."""
    for s in (OVERDUE, DUE, VISITED):
        if states.get(s):
            return s
    return None


@dataclass
class VillageSummary:
    code: str
    name: str
    contacts: list[dict[str, Any]]  # 包村
    children: int
    households: int
    gaps: dict[str, int]  # per GAP_KINDS (包户缺位 counts households)
    visits: dict[str, int]  # children per visit state

    @property
    def state(self) -> str | None:
        return overall_state(self.visits)

    @property
    def gap_total(self) -> int:
        return sum(self.gaps.values())


@dataclass
class TownSummary:
    code: str
    name: str
    villages: list[VillageSummary] = field(default_factory=list)

    def total(self, attr: str) -> int:
        return sum(getattr(v, attr) for v in self.villages)

    def gaps(self) -> dict[str, int]:
        return {k: sum(v.gaps[k] for v in self.villages) for k in GAP_KINDS}

    def visits(self) -> dict[str, int]:
        return {s: sum(v.visits[s] for v in self.villages) for s in VISIT_STATES}


@dataclass
class Tree:
    division: str  # the county (or town) shown
    name: str
    as_of: date
    towns: list[TownSummary]
    counties: list[dict[str, Any]]  # the counties a wider officer may choose from


def _no_villages(caller: Caller) -> bool:
    return caller.scope()["division"] is None


def counties_of(store: GraphStore, caller: Caller) -> list[dict[str, Any]]:
    """The counties in the caller's division (for a province or city officer's choice)."""
    if _no_villages(caller):
        return []
    return [r for r in store.query("contacts/divisions_under", division=caller.division) if r["level"] == "县"]


def division_tree(store: GraphStore, caller: Caller, county: str | None = None) -> Tree:
    """The town → village tree of the caller's division: a county's or a town's officer
    their own; a wider officer one county of theirs (``county``, default the first)."""
    if _no_villages(caller):
        raise ContactNotFound("学校用户没有村级三包范围：请由县级数据员或乡镇专干查看。", field="county")
    counties = counties_of(store, caller) if len(caller.division) < 6 else []
    if len(caller.division) >= 6:
        prefix = caller.division
    elif county:
        if not any(c["code"] == county for c in counties):
            raise ContactNotFound(f"辖区内没有县 {county}：请核对 6 位县级区划代码。", field="county")
        prefix = county
    elif counties:
        prefix = counties[0]["code"]
    else:
        raise ContactNotFound("辖区内没有县：请先运行一次比对（notoneless run）。", field="county")
    as_of = roster_as_of(store)
    # independent reads of the whole county: run together (the graph reads them in parallel)
    with ThreadPoolExecutor(max_workers=4) as pool:
        named = pool.submit(store.query, "contacts/divisions_under", division=prefix[:6])
        kids = pool.submit(child_rows, store, prefix, as_of)
        homes = pool.submit(household_rows, store, prefix, as_of)
        listed = pool.submit(village_rows, store, prefix)
        names = {r["code"]: r["name"] for r in named.result()}
        children, households, villages = kids.result(), homes.result(), listed.result()
    by_village: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for r in children:
        by_village.setdefault(r.get("village_code") or "", ([], []))[0].append(r)
    for r in households:
        by_village.setdefault(r.get("village_code") or "", ([], []))[1].append(r)
    towns: dict[str, TownSummary] = {}
    for v in villages:
        kids, homes = by_village.get(v["code"], ([], []))
        gaps, states = _counts(kids)
        gaps["包户缺位"] = sum(1 for h in homes if h["gaps"])
        gaps["包村缺位"] = len(v["gaps"])
        town = towns.setdefault(v["code"][:9], TownSummary(v["code"][:9], names.get(v["code"][:9]) or ""))
        town.villages.append(VillageSummary(v["code"], v.get("name") or "", v["contacts"], len(kids), len(homes),
                                            gaps, states))
    return Tree(prefix, names.get(prefix) or "", as_of, list(towns.values()), counties)


@dataclass
class Village:
    code: str
    name: str
    town_code: str
    town_name: str
    as_of: date
    contacts: list[dict[str, Any]]  # 包村
    gaps: list[str]  # the village's own (包村缺位)
    children: list[dict[str, Any]]  # child_rows
    households: list[dict[str, Any]]  # household_rows
    visits: list[dict[str, Any]]  # newest first, at most VISIT_LIMIT
    gap_counts: dict[str, int]
    visit_counts: dict[str, int]  # children per visit state

    @property
    def state(self) -> str | None:
        return overall_state(self.visit_counts)


def village_view(store: GraphStore, caller: Caller, code: str) -> Village:
    """Village ``code`` as ``caller`` may see it (ContactNotFound outside their division)."""
    code = code.strip()
    if _no_villages(caller) or not (code.isdigit() and len(code) == 12) or not store.query(
            "contacts/targets_in_scope", duty_type="包村", targets=[code], **caller.scope()):
        raise ContactNotFound(f"辖区内没有村 {code}：请核对 12 位村级区划代码。", field="village")
    as_of = roster_as_of(store)
    # four independent reads: run together (each is mostly a round trip to the graph)
    with ThreadPoolExecutor(max_workers=4) as pool:
        villages = pool.submit(village_rows, store, code)
        kids = pool.submit(child_rows, store, code, as_of)
        homes = pool.submit(household_rows, store, code, as_of)
        seen = pool.submit(store.query, "contacts/village_visits", village=code, last_day=as_of.isoformat(),
                           limit=VISIT_LIMIT)
        village, children, households, visits = villages.result()[0], kids.result(), homes.result(), seen.result()
    gaps, states = _counts(children)
    gaps["包户缺位"] = sum(1 for h in households if h["gaps"])
    gaps["包村缺位"] = len(village["gaps"])
    return Village(code, village.get("name") or "", code[:9], village.get("town_name") or "", as_of,
                   village["contacts"], village["gaps"], children, households, visits, gaps, states)
