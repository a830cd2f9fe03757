"""The ledger (台账) in the graph, its writes: officers' actions on cases and reconciliation
after a run. The reads (``CaseRecord``, ``get_case``, ``case_events``, ``list_cases``)
are in ledger_reads.py.

Model (queries under ``graph_schema/queries/cases/``):

- ``(:Case)`` one per child and duty (一生一案), keyed by ``case_id`` and, uniquely,
  by ``match_key``; holds the current ``state`` and a ``version`` that every event
  increments.
- ``(:Case)-[:HAS_EVENT]->(:CaseEvent)`` one per thing that happened (who, when,
  from/to state, action, reason code, evidence refs, note, details), created and
  never updated or deleted. ``seq`` equals the case version the event produced.
- ``(:Case)-[:ABOUT]->(:Person)``, ``-[:RESPONSIBLE_COUNTY]->(:Division)``,
  ``-[:OPENED_IN]->(:Run)`` where those nodes exist.

Consistency: an event and its case's new state are written by one statement in one
transaction. Concurrency: ``act`` first takes the case's write lock (``cases/lock_case``),
validates the transition against the state it then reads (and, if given, the version
the officer saw), and writes only if the version is unchanged; a second officer
acting at the same moment waits for the lock and is then judged against the first
officer's result (``CaseError`` ``CASE_CONFLICT`` or ``CASE_ILLEGAL_TRANSITION``).
``reconcile`` locks every case the same way for the length of its transaction.
"""

from __future__ import annotations

import csv
import json
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from notoneless.access.users import Caller
from notoneless.cases.ledger_reads import CaseRecord, get_case, native_map
from notoneless.cases.machine import ActionRequest, Step, apply
from notoneless.cases.reasons import Evidence, EvidenceKind, parse_evidence
from notoneless.cases.reconcile import (
    SYSTEM,
    ChangeSummary,
    ExistingCase,
    Plan,
    drafts_from_findings,
    in_scope,
    plan,
    resolve_person,
)
from notoneless.cases.states import ACTION_LABELS, Action, State, parse_action
from notoneless.cases.types import CASE_TYPES, FINDING_KINDS, CaseDraft, CaseType, split_match_key
from notoneless.errors import CaseError
from notoneless.graph.store import REPLAN_MIN_ROWS, GraphStore

_BATCH = 5_000
_PART = 4_000  # cases + findings per reconciliation transaction
CASE_SESSIONS = 2  # reconciliation transactions at once (a 2-core machine: 2)


# --- officers' actions ------------------------------------------------------------


def act(
    store: GraphStore,
    case_id: str,
    action: Action | str,
    *,
    by: Caller,
    reason: str | None = None,
    evidence: Iterable[Evidence | str] = (),
    note: str | None = None,
    deadline: date | None = None,
    details: Mapping[str, str] | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> CaseRecord:
    """Apply one officer action to a case as the registered user ``by``; returns the case after it.

    The event stores ``by``'s name and :meth:`Caller.actor` (user id, role, division).
    Raises ``CaseError``: ``ROLE_CANNOT_ACT`` for a role that may only read;
    ``CASE_NOT_FOUND`` for a case that does not exist or is outside ``by``'s division
    (the same answer for both); ``CASE_CONFLICT`` when ``expected_version``
    is given and someone else acted first; the state machine's codes when the action is
    not allowed or lacks its reason, evidence, details, note or deadline.
    """
    if not by.can_act:
        raise CaseError(f"角色「{by.role.value}」只能查看，不能办理案件。", code="ROLE_CANNOT_ACT")
    request = ActionRequest(
        action=action if isinstance(action, Action) else parse_action(action),
        by=by.name,
        reason=reason,
        evidence=tuple(e if isinstance(e, Evidence) else parse_evidence(e) for e in evidence),
        note=note,
        deadline=deadline,
        details=dict(details or {}),
    )
    now = datetime.now(UTC)
    day = today or date.today()

    def work(tx: Any) -> None:
        in_scope = tx.run(store.cypher("cases/in_scope"), case_id=case_id, **by.scope()).data()
        rows = tx.run(store.cypher("cases/lock_case"), case_id=case_id, at=now).data() if in_scope else []
        if not rows:
            raise CaseError(
                f"案件 {case_id} 不存在或不在您的辖区内：请用 notoneless cases list 查看案件编号。", code="CASE_NOT_FOUND"
            )
        case = CaseRecord(native_map(rows[0]["case"]))
        new_county = case.props.get("responsible_county")
        if case.state == State.PENDING_ACCEPTANCE.value and not by.covers(new_county):
            raise CaseError(
                f"案件 {case_id} 已转至 {new_county} 待接收：只能由 {new_county}（或上级）接收或退回，"
                f"原责任县 {case.props.get('transfer_from') or ''} 只能查看。",
                code="CASE_TRANSFER_PENDING",
            )
        if expected_version is not None and case.version != expected_version:
            raise CaseError(
                f"案件 {case_id} 已被他人更新（现为「{case.state}」，第 {case.version} 版；您看到的是第 {expected_version} 版）："
                "请重新查看案件后再操作。",
                code="CASE_CONFLICT",
            )
        step = apply(case.view(), request, today=day)
        _append(tx, store, [_event_row(case_id, case.version, step, by.name, now, actor=by.actor())])

    store.execute_write(work)
    return get_case(store, case_id)


def confirm_resolved(
    store: GraphStore, run_id: str | None, *, county: str, by: Caller, today: date | None = None
) -> tuple[str | None, list[str]]:
    """确认销号 in bulk: every case of ``county`` that run ``run_id`` (the latest when None)
    resolved by data and that still waits at 数据已消除·待确认销号, each through ``act``
    as ``by`` (role and scope checked) with the run itself as evidence (比对运行记录).
    Returns the run id and the confirmed case ids."""
    from notoneless.cases.ledger_reads import case_changes

    run, rows = case_changes(store, run_id, county=county, change="resolved_by_data")
    done = []
    for row in rows:
        if row["state"] != State.DATA_RESOLVED.value:
            continue  # resumed or confirmed since
        act(store, row["case_id"], Action.CONFIRM_CLOSE, by=by, evidence=[Evidence(EvidenceKind.COMPARISON_RUN, run)],
            note=f"批量确认：运行 {run} 中比对结果已消除", today=today)
        done.append(row["case_id"])
    return run, done


def _event_row(
    case_id: str,
    version: int,
    step: Step,
    by: str,
    at: datetime,
    run_id: str | None = None,
    extra_updates: Mapping[str, Any] | None = None,
    actor: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    seq = version + 1
    updates: dict[str, Any] = {**step.case_updates, "updated_at": at, **(extra_updates or {})}
    if step.to_state is State.CLOSED:
        updates["closed_at"] = at
    elif step.from_state is State.CLOSED:
        updates["closed_at"] = None
    event = {
        "event_id": f"{case_id}#{seq}",
        "case_id": case_id,
        "seq": seq,
        "at": at,
        "by": by,
        "action": step.action.value,
        "action_label": ACTION_LABELS[step.action],
        "from_state": step.from_state.value,
        "to_state": step.to_state.value,
        "reason_code": step.reason_code,
        "evidence": [str(e) for e in step.evidence],
        "note": step.note,
        "deadline": step.deadline,
        "details_json": json.dumps(step.details, ensure_ascii=False, sort_keys=True) if step.details else None,
        "run_id": run_id,
        **(actor or {}),  # an officer's action: the user's id, role and division; the system's events have none
    }
    return {"case_id": case_id, "version": version, "updates": updates, "event": {k: v for k, v in event.items() if v is not None}}


def _append(tx: Any, store: GraphStore, rows: Sequence[dict[str, Any]]) -> None:
    """Write events (at most one per case); roll back (raise) unless every one applied."""
    for start in range(0, len(rows), _BATCH):
        batch = list(rows[start : start + _BATCH])
        written = tx.run(store.cypher("cases/append_events"), rows=batch).single()["written"]
        if written != len(batch):
            raise CaseError(
                "案件已被他人同时更新，本次操作未保存：请重新查看案件后再操作。",
                code="CASE_CONFLICT",
            )


# --- reconciliation after a run -------------------------------------------------------


def _merges_from_history(history_path: Path | None, person_ids: list[str]) -> dict[str, str]:
    """``old person_id → surviving person_id`` for the persons cases are about, from the
    linkage history (``linkage.id_history.resolve_person_ids`` follows merge chains)."""
    from notoneless.linkage.id_history import resolve_person_ids

    if history_path is None:  # no history: nothing was merged
        return {}
    return {old: new for old, new in resolve_person_ids(history_path, person_ids).items() if new and new != old}


def _split_homes(history_path: Path | None, run_id: str, index: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Where the records of this run's split persons went, for their cases (see ``plan``)."""
    from notoneless.linkage.id_history import split_homes

    if history_path is None:  # no history: nothing was split
        return {}
    cases = [(r["case_id"], r.get("opened_person_id"), r.get("opened_run")) for r in index]
    return split_homes(history_path, run_id, cases)


def read_findings_dir(findings_dir: Path) -> dict[str, list[dict[str, str]]]:
    """The contract's ``OUT/findings/*.csv`` as rows per finding kind (kinds without a file are left out)."""
    found: dict[str, list[dict[str, str]]] = {}
    for kind in FINDING_KINDS:
        path = findings_dir / f"{kind}.csv"
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                found[kind] = list(csv.DictReader(fh))
    return found


def reconcile(
    store: GraphStore,
    run_id: str,
    findings: Mapping[str, Iterable[Mapping[str, Any]]],
    *,
    merges: Mapping[str, str] | None = None,
    history_path: Path | None = None,
    today: date | None = None,
    homes: Mapping[str, Mapping[str, int]] | None = None,
    coverage: Collection[str] | None = None,
) -> ChangeSummary:
    """Bring the ledger up to date with one run's findings (see ``cases/reconcile.py``).

    ``findings``: rows per finding kind (``unmatched_children``, ``cross_county_students``,
    ``duplicate_subsidies``, ``missed_subsidies``, ``contact_gaps``), each a mapping with
    the contract's columns. A kind left out was not checked: its cases are left alone.
    ``merges``: ``old_person_id → into_person_id``; default: resolved through the linkage
    history at ``history_path`` (``Settings.paths.history``, see ``docs/workspace.md``;
    None: no history, nothing merged). ``today``: the day cases open on (deadlines count from it).
    ``homes``: for cases whose person was split in this run, the persons now holding the
    records it was opened about; default: from the same history
    (``linkage.id_history.split_homes``). ``coverage``: the counties (6-digit codes) the
    run's bundle covers; only their cases, and the cases this run's findings name, are
    reconciled (``reconcile.in_scope``); None: every case. Idempotent for a repeated
    ``run_id`` with the same findings.
    """
    index = store.query("cases/case_index")
    if merges is None:
        merges = _merges_from_history(history_path, [r["person_id"] for r in index if r.get("person_id")])
    else:
        merges = dict(merges)
    day = today or date.today()
    now = datetime.now(UTC)
    findings = {kind: list(rows) for kind, rows in findings.items()}
    drafts, checked = drafts_from_findings(findings, opened_on=day, merges=merges,
                                           names=_gap_names(store, findings.get("contact_gaps", ())))
    index, untouched = in_scope(index, drafts, coverage, merges)
    if homes is None:
        homes = _split_homes(history_path, run_id, index)

    # Cases only ever meet cases and findings of the same (surviving) subject, so the
    # work splits exactly by subject: one transaction per part keeps each transaction
    # within Neo4j's memory limit and locks only that part's cases.
    parts = max(1, -(-(len(index) + len(drafts)) // _PART))
    case_ids: list[list[str]] = [[] for _ in range(parts)]
    part_drafts: list[dict[str, CaseDraft]] = [{} for _ in range(parts)]
    # A split person's parts meet its cases: their findings go where the cases go.
    family = {pid: resolve_person(r["person_id"], merges) for r in index if r["case_id"] in homes
              for pid in homes[r["case_id"]]}
    for r in index:
        subject = resolve_person(r["person_id"], merges) if r.get("person_id") else split_match_key(r["match_key"])[1]
        case_ids[_part(subject, parts)].append(r["case_id"])
    for key, d in drafts.items():
        part_drafts[_part(family.get(d.subject, d.subject), parts)][key] = d

    def work(ids: list[str], these: dict[str, CaseDraft]) -> Callable[[Any], tuple[Plan, dict[str, str]]]:
        def run(tx: Any) -> tuple[Plan, dict[str, str]]:
            rows = []
            for start in range(0, len(ids), _BATCH):
                rows += tx.run(store.cypher("cases/lock_cases"), case_ids=ids[start : start + _BATCH], at=now).data()
            existing = [_existing(r) for r in rows]
            planned = plan(existing, these, checked, merges, run_id=run_id, today=day, homes=homes)
            return _write_plan(tx, store, existing, planned, run_id, now)

        return run

    outcomes = ("still_open", "resolved_by_data", "reopened", "excluded_still_seen", "transferred_in", "merged",
                "reattached")
    summary: dict[str, list[str]] = {"new": [], **{name: [] for name in outcomes}}
    why: dict[str, str] = {}
    from_county: dict[str, str] = {}
    # The parts share no case: CASE_SESSIONS of them go at once, each in its own session, so
    # that Neo4j writes one part while Python plans the next.
    with ThreadPoolExecutor(max_workers=CASE_SESSIONS, thread_name_prefix="reconcile") as pool:
        done = [pool.submit(store.execute_write, work(ids, these))
                for ids, these in zip(case_ids, part_drafts) if ids or these]
        results = [future.result() for future in done]
    for p, new_ids in results:
        summary["new"] += new_ids.values()
        for name in outcomes:
            summary[name] += getattr(p, name)
        why |= p.why
        from_county |= p.from_county
    link_cases(store)
    changes = ChangeSummary(run_id=run_id, untouched=tuple(untouched), why=why, from_county=from_county,
                            **{k: tuple(sorted(v)) for k, v in summary.items()})
    feed = [{**row, "run_id": run_id, "change_id": f"{run_id}|{row['case_id']}"} for row in changes.feed()]
    if feed:
        store.write_rows("cases/record_changes", feed)
    if len(changes.new) >= REPLAN_MIN_ROWS:  # a first run's ledger: the review facts must not plan on an empty one
        store.replan()
    return changes


def _gap_names(store: GraphStore, rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """person_id → name of the children 三包缺位 rows name (对象), for their cases' titles."""
    ids = sorted({str(r.get("对象")) for r in rows if r.get("类型") != "包村缺位" and r.get("对象")})
    if not ids:
        return {}
    return {r["person_id"]: r["name"] for r in store.query("cases/person_names", person_ids=ids) if r.get("name")}


def _part(subject: str, parts: int) -> int:
    return zlib.crc32(subject.encode()) % parts


def _write_plan(
    tx: Any, store: GraphStore, existing: list[ExistingCase], p: Plan, run_id: str, now: datetime
) -> tuple[Plan, dict[str, str]]:
    new_ids = {d.match_key: d.case_id(run_id) for d in p.new}
    new_rows = [_new_case_row(d, new_ids[d.match_key], run_id) for d in p.new]
    for start in range(0, len(new_rows), _BATCH):
        tx.run(store.cypher("cases/create_cases"), rows=new_rows[start : start + _BATCH], at=now).consume()

    if p.rekey_first:
        rekey = [{"case_id": k, "match_key": v} for k, v in p.rekey_first.items()]
        tx.run(store.cypher("cases/set_match_keys"), rows=rekey).consume()

    versions = {c.case_id: c.version for c in existing}
    rnd = 0
    while True:  # one event per case per statement: the version check stays exact
        batch = []
        for case_id, events in p.events.items():
            if rnd < len(events):
                ev = events[rnd]
                batch.append(_event_row(case_id, versions[case_id], ev.step, SYSTEM, now, run_id, ev.extra_updates))
                versions[case_id] += 1
        if not batch:
            break
        _append(tx, store, batch)
        rnd += 1

    refresh = [_refresh_row(case_id, d, p.hold_notes.get(case_id), keep_attribution=case_id in p.keep_attribution)
               for case_id, d in p.refresh.items()]
    for start in range(0, len(refresh), _BATCH):
        tx.run(store.cypher("cases/refresh_cases"), run_id=run_id, rows=refresh[start : start + _BATCH]).consume()
    return p, new_ids


def link_cases(store: GraphStore) -> int:
    """(Re)link every case to its Person, county Division and opening Run where they exist."""
    rows = [
        {"case_id": r["case_id"], "person_id": r["person_id"], "county": r["county"], "opened_run": r["opened_run"]}
        for r in store.query("cases/link_keys")
    ]
    return store.write_rows("cases/link_cases", rows) if rows else 0


def _existing(r: Mapping[str, Any]) -> ExistingCase:
    r = native_map(r)
    return ExistingCase(
        case_id=r["case_id"],
        case_type=CaseType(r["case_type"]),
        match_key=r["match_key"],
        state=State(r["state"]),
        version=int(r["version"]),
        person_id=r.get("person_id"),
        resume_state=State(r["resume_state"]) if r.get("resume_state") else None,
        reason_code=r.get("reason_code"),
        attempts=int(r.get("attempts") or 0),
        notice_deadline=r.get("notice_deadline"),
        opened_at=r.get("opened_at") or "",
        reason_at=r.get("reason_at") or (r["closed_at"].date() if r.get("closed_at") else None),
        reason_evidence=tuple(r.get("reason_evidence") or ()),
        closed_from=State(r["closed_from"]) if r.get("closed_from") else None,
        finding=json.loads(r["finding_json"]) if r.get("finding_json") else {},
        responsible_county=r.get("responsible_county"),
        transfer_from=r.get("transfer_from"),
        returned_from=r.get("returned_from"),
    )


def _refresh_row(case_id: str, d: CaseDraft, hold_note: str | None = None, *,
                 keep_attribution: bool = False) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "hold_note": hold_note,
        "keep_attribution": keep_attribution,  # the county is the hand-off's to change, not the data's
        "title": d.title,
        "finding_json": json.dumps(d.finding, ensure_ascii=False, sort_keys=True),
        "responsible_county": d.responsible_county,
        "responsible_town": d.responsible_town,
        "responsible_village": d.responsible_village,
        "responsible_school": d.responsible_school,
    }


def _new_case_row(d: CaseDraft, case_id: str, run_id: str) -> dict[str, Any]:
    """A new case and its 立案 event, without their time: cases/create_cases sets the run's
    one ``$at`` on each (the driver converts a datetime in about 0.1 ms, so the same value
    in three fields of every row cost 7.5 s of 25.5k new cases at 1M)."""
    from notoneless.cases.transitions import INITIAL_STATE

    state = INITIAL_STATE[d.case_type].value
    case = {
        **{k: v for k, v in _refresh_row(case_id, d).items() if k != "keep_attribution"},
        "case_type": d.case_type.value,
        "type_label": CASE_TYPES[d.case_type].label,
        "match_key": d.match_key,
        "subject": d.subject,
        "person_id": d.person_id,
        "name": d.finding.get("姓名") or d.name or None,
        "state": state,
        "version": 1,
        "attempts": 0,
        "deadline": d.deadline,
        "opened_run": run_id,
        "opened_person_id": d.person_id,  # whose records the case is about (splits follow them)
        "last_seen_run": run_id,
    }
    event = {
        "event_id": f"{case_id}#1",
        "case_id": case_id,
        "seq": 1,
        "by": SYSTEM,
        "action": Action.OPEN.value,
        "action_label": ACTION_LABELS[Action.OPEN],
        "to_state": state,
        "evidence": [],
        "note": f"比对发现（运行 {run_id}）：{d.title}",
        "run_id": run_id,
    }
    return {"case": {k: v for k, v in case.items() if v is not None}, "event": event}
