"""Reconciling a run's findings with the ledger (pure planning; ``ledger.py`` writes the plan).

A new comparison updates the ledger rather than replacing it:

- a finding whose key (case type, subject, key fields) has no case → **new** case;
- a finding whose case is being worked → **still open** (its attribution and finding
  snapshot refreshed; a case parked at 数据已消除 goes back to where it was);
- a finding whose case was closed (销号) → **reopened** with a new event — unless the
  closure rests on a reason that still holds (an exclusion B1–B10, 不予补发 S1–S4,
  核实无重复; ``reasons.VALIDITY``): then it is **excluded, still seen**, no event, the
  case says until when (``hold_note``); when the reason's time is up or the data
  contradicts it, the reopen event says so;
- a case being worked whose finding is gone → **resolved by data**: moved to
  数据已消除·待确认销号 for an officer to confirm, never closed automatically (a case
  whose work is done and only awaits 销号 — 排除, 已复学, 已补发 … — stays as it is).

Person ids follow linkage's merge history (``person_id_merges``): a case about a
person merged into another is re-keyed to the surviving id with an audit event; if
two cases then share one key, the older open one is kept and the other is parked
at 数据已消除 with a note naming the case it duplicates (none duplicated, none lost).

Only case types whose finding kind is present in the run's findings are resolved:
a kind that was not checked this run leaves its cases alone. Likewise only the cases of
the counties the run's bundle covers (its ``divisions``; ``in_scope``): a case of another
county, that none of this run's findings names, is left alone — no state change, no
event — so counties that run their own extracts in one workspace do not park each
other's cases.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from notoneless.cases.machine import ActionRequest, CaseView, Step, apply
from notoneless.cases.reasons import NOT_DUPLICATE_VALIDITY, REASONS, VALIDITY, Hold, closure_hold
from notoneless.cases.states import Action, State
from notoneless.cases.transitions import INITIAL_STATE, parkable_states, transferable_states
from notoneless.cases.types import (
    CASE_TYPE_BY_KIND,
    CaseDraft,
    CaseType,
    draft_from_finding,
    match_key,
    split_match_key,
)
from notoneless.errors import CaseError

SYSTEM = "系统比对"

# The change feed's kinds (what a run did to a case), in the order officers read them.
# transferred_out is transferred_in seen from the county the case left (cases/changes.cypher).
CHANGE_LABELS: dict[str, str] = {
    "new": "新立案",
    "reopened": "重新打开",
    "resolved_by_data": "数据已消除·待确认销号",
    "excluded_still_seen": "已销号仍见（原因仍有效）",
    "transferred_in": "转入",
    "transferred_out": "转出",
    "still_open": "仍在办",
}
_FEED_DEFAULT_REASON = {
    "new": "比对发现",
    "resolved_by_data": "本次比对已无此结果",
    "still_open": "",
}


@dataclass(frozen=True)
class ExistingCase:
    """What reconciliation needs of a case already in the ledger."""

    case_id: str
    case_type: CaseType
    match_key: str
    state: State
    version: int
    person_id: str | None = None
    resume_state: State | None = None
    reason_code: str | None = None
    attempts: int = 0
    notice_deadline: date | None = None
    opened_at: str = ""  # sortable; the older case wins a merge
    reason_at: date | None = None  # when its reason was recorded (else when it was closed)
    reason_evidence: tuple[str, ...] = ()
    closed_from: State | None = None  # the state 销号 came from
    finding: Mapping[str, str] = field(default_factory=dict)  # the finding when last seen
    responsible_county: str | None = None
    transfer_from: str | None = None  # 待接收: the county that handed it over
    returned_from: str | None = None  # the county that last returned it (退回): not handed there again

    def closure_hold(self, now: Mapping[str, str], today: date) -> Hold | None:
        """Whether a closed case's reason still holds against this run's finding ``now``;
        None when its closure rests on no reason that holds (it reopens as always)."""
        if self.reason_code in VALIDITY:
            validity, label = VALIDITY[self.reason_code], REASONS[self.reason_code].display
        elif self.closed_from is State.NOT_DUPLICATE:
            validity, label = NOT_DUPLICATE_VALIDITY, State.NOT_DUPLICATE.value
        else:
            return None
        return closure_hold(validity, label, self.reason_at or today, today, self.reason_evidence, self.finding, now)

    def view(self, state: State | None = None, resume: State | None | str = "keep") -> CaseView:
        return CaseView(
            self.case_type,
            state or self.state,
            self.case_id,
            self.reason_code,
            self.resume_state if resume == "keep" else resume,  # type: ignore[arg-type]
            self.attempts,
            self.notice_deadline,
            self.responsible_county,
            self.transfer_from,
        )


@dataclass(frozen=True)
class PlannedEvent:
    case_id: str
    step: Step
    extra_updates: dict[str, Any] = field(default_factory=dict)  # non-state properties (keys, deadline)


@dataclass
class Plan:
    new: list[CaseDraft] = field(default_factory=list)
    # events per case, in order; the ledger writes them round by round
    events: dict[str, list[PlannedEvent]] = field(default_factory=dict)
    refresh: dict[str, CaseDraft] = field(default_factory=dict)  # case_id → the finding it matched
    # match keys to move out of the way before any event is written (cases merged away)
    rekey_first: dict[str, str] = field(default_factory=dict)
    still_open: list[str] = field(default_factory=list)
    resolved_by_data: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    excluded_still_seen: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    reattached: list[str] = field(default_factory=list)  # cases that followed a split person
    transferred_in: list[str] = field(default_factory=list)  # handed to the finding's new county (待接收)
    keep_attribution: set[str] = field(default_factory=set)  # refreshed, but the county stays the case's
    from_county: dict[str, str] = field(default_factory=dict)  # case_id → the county it was handed from
    why: dict[str, str] = field(default_factory=dict)  # case_id → why it reopened / still holds
    hold_notes: dict[str, str | None] = field(default_factory=dict)  # case_id → hold_note to set

    def add(self, case_id: str, step: Step, **extra: Any) -> None:
        self.events.setdefault(case_id, []).append(PlannedEvent(case_id, step, extra))


@dataclass(frozen=True)
class ChangeSummary:
    """What a run changed in the ledger (case ids per outcome)."""

    run_id: str
    new: tuple[str, ...] = ()
    still_open: tuple[str, ...] = ()
    resolved_by_data: tuple[str, ...] = ()
    reopened: tuple[str, ...] = ()
    excluded_still_seen: tuple[str, ...] = ()
    transferred_in: tuple[str, ...] = ()
    merged: tuple[str, ...] = ()
    reattached: tuple[str, ...] = ()
    untouched: tuple[str, ...] = ()  # cases of counties the run does not cover, left alone
    why: Mapping[str, str] = field(default_factory=dict)  # case_id → why it reopened / still holds
    from_county: Mapping[str, str] = field(default_factory=dict)  # transferred case → the county it left

    def feed(self) -> list[dict[str, str]]:
        """The change feed of this run: one row per case it reconciled (``CHANGE_LABELS``'s
        kinds; a case counts once, in the order of that table)."""
        rows: dict[str, dict[str, str]] = {}
        for change in CHANGE_LABELS:
            for case_id in getattr(self, change, ()):
                reason = self.why.get(case_id) or _FEED_DEFAULT_REASON.get(change, "")
                rows.setdefault(case_id, {"case_id": case_id, "change": change, "reason": reason,
                                          "from_county": self.from_county.get(case_id)})
        return list(rows.values())

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "still_open": len(self.still_open),
            "resolved_by_data": len(self.resolved_by_data),
            "reopened": len(self.reopened),
            "excluded_still_seen": len(self.excluded_still_seen),
            "transferred": len(self.transferred_in),
            "merged": len(self.merged),
            "reattached": len(self.reattached),
        }

    def describe(self) -> str:
        """One line for officers."""
        return (
            f"台账更新（运行 {self.run_id}）：新立案 {len(self.new)} 件，仍在办 {len(self.still_open)} 件，"
            f"数据已消除待确认销号 {len(self.resolved_by_data)} 件，重新打开 {len(self.reopened)} 件"
            + (f"，已销号仍见（原因仍有效）{len(self.excluded_still_seen)} 件" if self.excluded_still_seen else "")
            + (f"，转其他县待接收 {len(self.transferred_in)} 件" if self.transferred_in else "")
            + (f"，因人员合并调整 {len(self.merged)} 件" if self.merged else "")
            + (f"，随人员拆分转移 {len(self.reattached)} 件" if self.reattached else "")
            + (f"；本次数据未覆盖的县的 {len(self.untouched)} 件案件未变动" if self.untouched else "")
        )


def resolve_person(person_id: str, merges: Mapping[str, str]) -> str:
    """Follow ``old → into`` merges to the surviving person id (cycles stop where they repeat)."""
    seen = {person_id}
    current = person_id
    while current in merges:
        nxt = merges[current]
        if nxt in seen:
            break
        seen.add(nxt)
        current = nxt
    return current


def _hand_over(p: Plan, case: ExistingCase, draft: CaseDraft, state: State, resume: State | None,
               sys_step: Callable[..., Step], run_id: str) -> None:
    """A still-open case whose finding now names another county is handed to it (转出 →
    待接收) with an event; the old county sees it, read-only, until the new one accepts
    or returns it. A county that returned the case does not get it again from the data,
    and a hand-off already pending is left to the new county."""
    old, new = case.responsible_county, draft.responsible_county
    moved = bool(old and new and new != old)
    if not moved or state not in transferable_states(case.case_type) or new == case.returned_from:
        if moved or state is State.PENDING_ACCEPTANCE:
            p.keep_attribution.add(case.case_id)
        p.still_open.append(case.case_id)
        return
    why = f"比对结果的责任县由 {old} 变为 {new}（运行 {run_id}），转入 {new} 待接收"
    step = sys_step(case, Action.TRANSFER, state, resume, details={"to_county": new}, note=why)
    p.add(case.case_id, step)
    p.transferred_in.append(case.case_id)
    p.from_county[case.case_id] = old or ""
    p.why[case.case_id] = why


def current_key(match_key_: str, person_id: str | None, merges: Mapping[str, str]) -> str:
    """A case's match key with its person followed through the merges (the key its
    findings have in this run)."""
    if person_id is None:
        return match_key_
    ct, _, fields = split_match_key(match_key_.split("#", 1)[0])
    return match_key(ct, resolve_person(person_id, merges), fields)


def in_scope(
    index: Iterable[Mapping[str, Any]],
    drafts: Mapping[str, CaseDraft],
    coverage: Collection[str] | None,
    merges: Mapping[str, str],
) -> tuple[list[Mapping[str, Any]], list[str]]:
    """The cases of ``index`` (``case_id``, ``match_key``, ``person_id``, ``county``) this
    run reconciles, and the ids of those it leaves alone.

    In scope: a case whose responsible county is in ``coverage`` (or has none), or that a
    finding of this run names — and every case sharing a key with one in scope, since a
    merge may bring them together. ``coverage`` None: every case (the whole ledger).
    """
    rows = list(index)
    if coverage is None:
        return rows, []
    covered = frozenset(coverage)
    keys = {r["case_id"]: current_key(r["match_key"], r.get("person_id"), merges) for r in rows}
    wanted = {
        keys[r["case_id"]] for r in rows
        if not r.get("county") or r["county"] in covered or keys[r["case_id"]] in drafts
    }
    inside = [r for r in rows if keys[r["case_id"]] in wanted]
    outside = sorted(r["case_id"] for r in rows if keys[r["case_id"]] not in wanted)
    return inside, outside


def drafts_from_findings(
    findings: Mapping[str, Iterable[Mapping[str, Any]]], *, opened_on: date, merges: Mapping[str, str],
    names: Mapping[str, str] | None = None,
) -> tuple[dict[str, CaseDraft], set[CaseType]]:
    """Drafts keyed by match key (first row wins on a repeated key) and the case types checked
    (``names``: person_id → name, for the titles of rows without a 姓名)."""
    drafts: dict[str, CaseDraft] = {}
    checked: set[CaseType] = set()
    for kind, rows in findings.items():
        if kind not in CASE_TYPE_BY_KIND:
            raise CaseError(f"未知的比对结果种类「{kind}」：应为 {'、'.join(CASE_TYPE_BY_KIND)} 之一。", code="CASE_KIND_UNKNOWN")
        checked.add(CASE_TYPE_BY_KIND[kind])
        for row in rows:
            d = draft_from_finding(kind, row, opened_on=opened_on, names=names)
            if d.person_id is not None:
                survivor = resolve_person(d.person_id, merges)
                if survivor != d.person_id:
                    d = d.with_subject(survivor)
            drafts.setdefault(d.match_key, d)
    return drafts, checked


def split_home(parts: Mapping[str, int], current: str, has_finding: Callable[[str], bool]) -> str:
    """The part of a split person a case follows: among the persons now holding the
    records the case's person had when it was opened (``parts``: person → how many),
    those where the case's finding is now, else all; the one holding most of the
    records (ties: the case's current person, then the smallest id)."""
    pool = [pid for pid in parts if has_finding(pid)] or list(parts) or [current]
    return min(pool, key=lambda pid: (-parts.get(pid, 0), pid != current, pid))


def plan(
    existing: Iterable[ExistingCase],
    drafts: Mapping[str, CaseDraft],
    checked: set[CaseType],
    merges: Mapping[str, str],
    *,
    run_id: str,
    today: date,
    homes: Mapping[str, Mapping[str, int]] | None = None,
) -> Plan:
    """Decide every case's fate for this run (see the module docstring). ``homes``: for
    the cases whose person was split this run, the parts holding that person's records
    (``linkage.id_history.split_homes``)."""
    p = Plan()
    homes = homes or {}
    by_key: dict[str, list[ExistingCase]] = {}
    rekey: dict[str, tuple[str, str | None, Action]] = {}  # case_id → (new key, new person id, why)

    for case in existing:
        key, person = case.match_key, case.person_id
        if case.person_id is not None:
            ct, _, fields = split_match_key(case.match_key.split("#", 1)[0])
            survivor = resolve_person(case.person_id, merges)
            if case.case_id in homes:
                home = split_home(homes[case.case_id], survivor, lambda pid: match_key(ct, pid, fields) in drafts)
                if home != case.person_id or match_key(ct, home, fields) != case.match_key:
                    key, person = match_key(ct, home, fields), home
                    rekey[case.case_id] = (key, person, Action.SPLIT_PERSON)
            elif survivor != case.person_id:
                key, person = match_key(ct, survivor, fields), survivor
                rekey[case.case_id] = (key, person, Action.MERGE_PERSON)
        by_key.setdefault(key, []).append(case)

    def sys_step(case: ExistingCase, action: Action, state: State | None = None, resume: Any = "keep", **kw: Any) -> Step:
        req = ActionRequest(action, by=SYSTEM, system=True, **kw)
        return apply(case.view(state, resume), req, today=today)

    keepers: dict[str, tuple[ExistingCase, State, State | None]] = {}  # key → (case, state after merges, resume)
    for key, cases in by_key.items():
        cases.sort(key=lambda c: (c.state in (State.CLOSED, State.DATA_RESOLVED), c.opened_at, c.case_id))
        absorbed = [c.case_id for c in cases[1:]]
        for i, case in enumerate(cases):
            state, resume = case.state, case.resume_state
            if case.case_id in rekey or i > 0:
                new_key, new_person, why = rekey.get(case.case_id, (key, case.person_id, Action.MERGE_PERSON))
                if i > 0:
                    new_key = f"{new_key}#并入{cases[0].case_id}"  # keeps match keys unique
                    p.rekey_first[case.case_id] = new_key
                elif why is Action.SPLIT_PERSON:
                    # out of the way first: parts of one split may swap keys within the run
                    p.rekey_first[case.case_id] = f"{new_key}#拆分{case.case_id}"
                if why is Action.SPLIT_PERSON:
                    note = (
                        f"人员 {case.person_id} 已拆分（运行 {run_id}），本案随其记录转到人员 {new_person}"
                        if new_person != case.person_id
                        else f"人员拆分后本案恢复为人员 {new_person} 的案件（运行 {run_id}）"
                    )
                elif new_person != case.person_id:
                    note = f"人员编号 {case.person_id} 已合并为 {new_person}（运行 {run_id}）"
                else:
                    note = f"人员合并后与案件 {cases[0].case_id} 重复（运行 {run_id}）"
                if i == 0 and absorbed:
                    note += f"；案件 {'、'.join(absorbed)} 已并入本案"
                step = sys_step(
                    case,
                    why,
                    details={"old_person_id": case.person_id or "", "new_person_id": new_person or ""},
                    note=note,
                )
                p.add(case.case_id, step, match_key=new_key, person_id=new_person, subject=new_person)
                (p.reattached if why is Action.SPLIT_PERSON else p.merged).append(case.case_id)
            elif i == 0 and absorbed:
                # the case that stays gets its event too: which cases of the merged persons joined it
                step = sys_step(
                    case,
                    Action.MERGE_PERSON,
                    details={"old_person_id": cases[1].person_id or "", "new_person_id": case.person_id or ""},
                    note=f"人员合并（运行 {run_id}）：案件 {'、'.join(absorbed)} 与本案为同一儿童同一事项，已并入本案",
                )
                p.add(case.case_id, step)
                p.merged.append(case.case_id)
            if i > 0 and state in parkable_states(case.case_type):
                step = sys_step(
                    case,
                    Action.DATA_RESOLVED,
                    note=f"人员合并后与案件 {cases[0].case_id} 为同一儿童同一事项，请在该案件中继续办理并确认本案销号",
                )
                p.add(case.case_id, step)
                p.resolved_by_data.append(case.case_id)
            if i == 0:
                keepers[key] = (case, state, resume)

    for key, draft in drafts.items():
        found = keepers.get(key)
        if found is None:
            p.new.append(draft)
            continue
        case, state, resume = found
        p.refresh[case.case_id] = draft
        if state is State.CLOSED:
            hold = case.closure_hold(draft.finding, today)
            if hold is not None and hold.holds:
                p.excluded_still_seen.append(case.case_id)
                p.why[case.case_id] = p.hold_notes[case.case_id] = f"运行 {run_id} 仍见此结果，已销号（{hold.note}）"
                continue
            why = f"{hold.note}，比对结果仍在" if hold is not None else "比对结果再次出现"
            step = sys_step(case, Action.REOPEN, note=f"{why}（运行 {run_id}），案件重新打开")
            p.add(case.case_id, step, deadline=draft.deadline)
            p.reopened.append(case.case_id)
            p.why[case.case_id] = why
        else:
            if state is State.DATA_RESOLVED:
                step = sys_step(case, Action.DATA_REAPPEARED, note=f"比对结果再次出现（运行 {run_id}），恢复办理")
                p.add(case.case_id, step)
                state, resume = resume or INITIAL_STATE[case.case_type], None
            _hand_over(p, case, draft, state, resume, sys_step, run_id)

    for key, (case, state, _) in keepers.items():
        if key in drafts or case.case_type not in checked:
            continue
        if state in parkable_states(case.case_type):
            step = sys_step(case, Action.DATA_RESOLVED, note=f"本次比对（运行 {run_id}）已无此结果，请核实后确认销号")
            p.add(case.case_id, step)
            p.resolved_by_data.append(case.case_id)
    return p
