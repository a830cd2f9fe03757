"""One officer action on a case, as the CLI (``cases act``) and the API (POST
/cases/{id}/transitions) take it.

The case step 指派联系人 (assign) of a 三包缺位 case (包村/包户/包人缺位) also makes the
三包 assignment itself, through ``contacts.actions.assign`` — the service behind
``notoneless contacts assign`` — so an officer enters it once: the contact
(``details.contact_id``) becomes the 包村/包户/包人 contact of the case's 对象, with an
assignment event noting the case. The contact and the 对象 are checked before anything
is written (a contact outside the caller's county fails the whole step); the case event
is written next (its own checks: state, version, scope), then the assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from notoneless.access.users import Caller
from notoneless.cases.ledger import act as ledger_act
from notoneless.cases.ledger_reads import get_case
from notoneless.cases.states import Action, parse_action
from notoneless.cases.types import CaseType
from notoneless.contacts import actions as contacts
from notoneless.graph.store import GraphStore

# The 三包缺位 kinds (the finding's 类型) whose 指派联系人 makes an assignment, and its 包保类型.
# 走访逾期 has its contact already: its step records who visits, no new assignment.
GAP_DUTY = {"包村缺位": "包村", "包户缺位": "包户", "包人缺位": "包人"}


def _duty_and_target(store: GraphStore, case_id: str, caller: Caller) -> tuple[str, str] | None:
    rows = store.query("cases/in_scope", case_id=case_id, **caller.scope())
    if not rows:
        return None  # ledger_act answers CASE_NOT_FOUND
    case = get_case(store, case_id)
    if case.props.get("case_type") != CaseType.CONTACT_GAP.value:
        return None
    finding = case.finding
    duty = GAP_DUTY.get(finding.get("类型", ""))
    target = finding.get("对象") or case.props.get("subject")
    return (duty, target) if duty and target else None


def act(store: GraphStore, case_id: str, action: Action | str, *, by: Caller,
        details: Mapping[str, str] | None = None, evidence: Iterable[Any] = (), **kwargs: Any) -> Any:
    """``cases.ledger.act``, and for 指派联系人 on a 三包缺位 case the assignment as well
    (``contacts.actions.assign``). Returns the case after the step."""
    step = action if isinstance(action, Action) else parse_action(action)
    contact_id = (details or {}).get("contact_id")
    plan = _duty_and_target(store, case_id, by) if step is Action.ASSIGN and contact_id else None
    if plan:
        duty, target = plan
        contacts.find_contact(store, by, contact_id)  # raises before anything is written
        contacts.resolve_targets(store, by, duty, targets=[target])
    case = ledger_act(store, case_id, step, by=by, details=details, evidence=evidence, **kwargs)
    if plan:
        contacts.assign(store, by, contact_id, plan[0], targets=[plan[1]], note=f"案件 {case_id} 指派联系人")
    return case
