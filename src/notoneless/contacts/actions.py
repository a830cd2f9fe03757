"""Officers' 三包 actions: assign, release, replace, set a contact's status, register a
contact — for the CLI (``notoneless contacts …``, the officer named by ``--by``) and the
API (the caller of the request), with the API's rules:

- only roles that may act (``access.CAN_ACT``; 只读审计 cannot: 403 ``ROLE_CANNOT_ACT``);
- a contact belongs to a county (``Contact.county_code``: the county its bundle rows
  point into, or the county it was registered for); only officers of that county, of
  a division above it act on it, and officers of a town or school in it while it serves
  their scope or nothing yet (``contacts/contact``),
  and every target must lie in the officer's division (``contacts/targets_in_scope``);
  anything else answers like something that does not exist (404 ``NOT_FOUND``), so
  another county's contact ids cannot be told from unknown ones;
- each action writes immutable events (``contacts/events.py``) and updates the current
  graph's RESPONSIBLE_FOR relationships in the same transaction, so the contacts views
  and visit lists show it at once; the ``contact_gaps`` findings change on the next run,
  which merges the events with the bundle (``contacts/merge.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from notoneless.access.users import Caller
from notoneless.errors import ContactError, ContactForbidden, ContactNotFound
from notoneless.graph.store import GraphStore
from notoneless.normalize.idnumber import clean_id, lookup_keys
from notoneless.normalize.vocabulary import CONTACT_STATUSES, DUTY_TYPES


@dataclass
class ActionResult:
    """What one action wrote."""

    action: str
    contact_id: str
    duty_type: str | None = None
    targets: list[str] = field(default_factory=list)
    batch_id: str | None = None
    event_ids: list[str] = field(default_factory=list)
    replaced_by: str | None = None
    contact_status: str | None = None  # of the (new) contact: a 离岗 contact's assignment is still a gap

    def describe(self) -> str:
        what = {"assign": "指派", "release": "解除", "replace": "更换", "status": "在岗状态", "register": "登记"}[self.action]
        if self.action in ("status", "register"):
            return f"已{what}：联系人 {self.contact_id}"
        to = f" → {self.replaced_by}" if self.replaced_by else ""
        line = f"已{what}：联系人 {self.contact_id}{to}，{self.duty_type} {len(self.targets)} 个对象（批次 {self.batch_id}）"
        if self.action != "release" and self.contact_status == "离岗":
            line += "；注意：该联系人为离岗，这些对象仍是缺位（notoneless contacts status … 在岗）"
        return line


def _now(at: datetime | None) -> str:
    return (at or datetime.now(UTC)).isoformat()


def _check_can_act(caller: Caller) -> None:
    if not caller.can_act:
        raise ContactForbidden(f"角色「{caller.role.value}」只能查看，不能指派、解除或更改联系人。")


def _duty(duty_type: str) -> str:
    duty = duty_type.strip()
    if duty not in DUTY_TYPES:
        raise ContactError(f"包保类型「{duty_type}」不存在：应为 {'、'.join(DUTY_TYPES)}。", field="duty_type")
    return duty


def find_contact(store: GraphStore, caller: Caller, contact_id: str, *,
                 field_name: str = "contact_id") -> dict[str, Any]:
    """The contact ``contact_id`` if the caller may act on it and see it (its county is in
    the caller's line of divisions); else ContactNotFound, the same as for an unknown id."""
    rows = store.query("contacts/contact", contact_ids=[contact_id.strip()], **caller.scope())
    if not rows or not rows[0]["in_scope"]:
        raise ContactNotFound(
            f"辖区内没有联系人 {contact_id}：请核对联系人编号；数据包中没有的联系人先用 notoneless contacts register 登记。",
            field=field_name,
        )
    return rows[0]


def resolve_targets(store: GraphStore, caller: Caller, duty_type: str, *, targets: list[str] | None = None,
                    village: str | None = None) -> list[str]:
    """The graph keys an action is about, all in the caller's scope (else ContactNotFound).

    ``village`` (bulk): 包村 → the village itself; 包人 → its target children; 包户 → its
    建档立卡 households (``contacts/village_targets``); and/or ``targets`` (one by one): village
    codes; household keys (``hukou:<户号>`` / ``fupin:<户编号>``, or a bare number: the
    households of either registry with that number); person ids, ID numbers or 学籍号.
    """
    if not targets and not village:
        raise ContactError("请给出对象（--target / targets，可多个）或整村批量（--village / village）。", field="targets")
    keys: list[str] = []
    if village:
        code = village.strip()
        if not (code.isdigit() and len(code) == 12):
            raise ContactError(f"村级区划代码「{village}」应为 12 位数字。", field="village")
        if not store.query("contacts/targets_in_scope", duty_type="包村", targets=[code], **caller.scope()):
            raise ContactNotFound(f"辖区内没有村 {code}：请核对 12 位村级区划代码。", field="village")
        keys = [code] if duty_type == "包村" else [
            r["key"] for r in store.query("contacts/village_targets", village=code, duty_type=duty_type)]
    for typed in targets or []:
        candidates = _candidates(store, duty_type, typed)
        found = [r["key"] for r in store.query("contacts/targets_in_scope", duty_type=duty_type,
                                               targets=candidates, **caller.scope())] if candidates else []
        if not found:
            raise ContactNotFound(f"辖区内没有{duty_type}对象「{typed}」：请核对后重试。", field="targets")
        keys.extend(k for k in found if k not in keys)
    return keys


def _candidates(store: GraphStore, duty_type: str, typed: str) -> list[str]:
    value = typed.strip()
    if duty_type == "包村":
        return [value]
    if duty_type == "包户":
        if value.startswith(("hukou:", "fupin:")):
            return [value]
        number = clean_id(value)
        return [f"hukou:{number}", f"fupin:{number}"]
    return [r["person_id"] for r in store.query("contacts/find_persons", keys=lookup_keys(value))]


def _event_rows(action: str, contact_id: str, duty: str, keys: list[str], by: Caller, at: str, note: str | None,
                batch_id: str) -> list[dict[str, Any]]:
    return [
        {"assignment_id": f"CA-{uuid.uuid4().hex}", "action": action, "contact_id": contact_id, "duty_type": duty,
         "target": key, "made_by": by.name, **by.actor(), "made_at": at, "note": note, "batch_id": batch_id}
        for key in keys
    ]


def _write_assignments(store: GraphStore, rows_by_action: list[list[dict[str, Any]]]) -> None:
    """Record the events and apply them to the current graph, all in one transaction."""

    def work(tx: Any) -> None:
        for rows in rows_by_action:
            if not rows:
                continue
            tx.run(store.cypher("contacts/record_assignments"), rows=rows).consume()
            query = "contacts/apply_assignments" if rows[0]["action"] == "assign" else "contacts/apply_releases"
            tx.run(store.cypher(query), rows=rows).consume()

    store.execute_write(work)


def assign(store: GraphStore, caller: Caller, contact_id: str, duty_type: str, *, targets: list[str] | None = None,
           village: str | None = None, note: str | None = None, at: datetime | None = None) -> ActionResult:
    """Assign ``contact_id`` as the ``duty_type`` contact of the targets (one event each)."""
    return _assign_or_release("assign", store, caller, contact_id, duty_type, targets, village, note, at)


def release(store: GraphStore, caller: Caller, contact_id: str, duty_type: str, *, targets: list[str] | None = None,
            village: str | None = None, note: str | None = None, at: datetime | None = None) -> ActionResult:
    """Release ``contact_id`` from the ``duty_type`` duty for the targets."""
    return _assign_or_release("release", store, caller, contact_id, duty_type, targets, village, note, at)


def _assign_or_release(action: str, store: GraphStore, caller: Caller, contact_id: str, duty_type: str,
                       targets: list[str] | None, village: str | None, note: str | None,
                       at: datetime | None) -> ActionResult:
    _check_can_act(caller)
    duty = _duty(duty_type)
    contact = find_contact(store, caller, contact_id)
    keys = resolve_targets(store, caller, duty, targets=targets, village=village)
    batch_id = f"CB-{uuid.uuid4().hex[:16]}"
    rows = _event_rows(action, contact["contact_id"], duty, keys, caller, _now(at), note, batch_id)
    _write_assignments(store, [rows])
    return ActionResult(action, contact["contact_id"], duty, keys, batch_id, [r["assignment_id"] for r in rows],
                        contact_status=contact.get("status"))


@dataclass
class SecondContact:
    """A target that already has another contact of the duty type an assignment is for."""

    target: str
    name: str | None
    duty_type: str
    others: list[dict[str, Any]]  # contact_id, name, status (在岗 / 离岗)

    def describe(self) -> str:
        who = "、".join(f"{o['contact_id']} {o.get('name') or ''}".strip() + f"（{o.get('status') or ''}）"
                       for o in self.others)
        return f"{self.name or self.target} 已有{self.duty_type}联系人 {who}：保存后将有 {len(self.others) + 1} 名{self.duty_type}"


def second_contacts(store: GraphStore, caller: Caller, contact_id: str, duty_type: str, *,
                    targets: list[str] | None = None, village: str | None = None) -> list[SecondContact]:
    """What ``assign`` with these arguments would do that the officer should confirm first:
    each target that already has another contact of the duty type (a child with a 包人 would
    get a second one). Checks role, contact and targets as ``assign`` does (the same errors);
    writes nothing. Replacing instead (``replace``) leaves one contact."""
    _check_can_act(caller)
    duty = _duty(duty_type)
    contact = find_contact(store, caller, contact_id)
    keys = resolve_targets(store, caller, duty, targets=targets, village=village)
    rows = store.query("contacts/other_duties", duty_type=duty, targets=keys, contact_id=contact["contact_id"])
    return [SecondContact(r["target"], r.get("name"), duty, r["others"]) for r in rows]


def contacts_to_choose(store: GraphStore, caller: Caller, county: str) -> list[dict[str, Any]]:
    """The contacts of ``county`` the caller may act on (``find_contact``'s rule), for a
    choice list: contact_id, name, unit, status."""
    ids = [r["contact_id"] for r in store.query("contacts/county_contacts", county=county)]
    if not ids:
        return []
    return [r for r in store.query("contacts/contact", contact_ids=ids, **caller.scope()) if r["in_scope"]]


def replace(store: GraphStore, caller: Caller, old_contact_id: str, new_contact_id: str, duty_type: str, *,
            targets: list[str] | None = None, village: str | None = None, note: str | None = None,
            at: datetime | None = None) -> ActionResult:
    """Release ``old_contact_id`` and assign ``new_contact_id`` for the same targets, in one transaction."""
    _check_can_act(caller)
    duty = _duty(duty_type)
    old = find_contact(store, caller, old_contact_id, field_name="contact_id")
    new = find_contact(store, caller, new_contact_id, field_name="new_contact_id")
    if old["contact_id"] == new["contact_id"]:
        raise ContactError("原联系人与新联系人相同：请给出另一位联系人。", field="new_contact_id",
                           code="CONTACT_SAME", http_status=409)
    keys = resolve_targets(store, caller, duty, targets=targets, village=village)
    batch_id = f"CB-{uuid.uuid4().hex[:16]}"
    when = _now(at)
    released = _event_rows("release", old["contact_id"], duty, keys, caller, when, note, batch_id)
    assigned = _event_rows("assign", new["contact_id"], duty, keys, caller, when, note, batch_id)
    _write_assignments(store, [released, assigned])
    return ActionResult("replace", old["contact_id"], duty, keys, batch_id,
                        [r["assignment_id"] for r in released + assigned], replaced_by=new["contact_id"],
                        contact_status=new.get("status"))


def set_status(store: GraphStore, caller: Caller, contact_id: str, status: str, *, note: str | None = None,
               at: datetime | None = None) -> ActionResult:
    """Record that ``contact_id`` is 在岗 or 离岗; a 离岗 contact's responsibilities become gaps."""
    _check_can_act(caller)
    value = status.strip()
    if value not in CONTACT_STATUSES:
        raise ContactError(f"状态「{status}」不存在：应为 {'或'.join(CONTACT_STATUSES)}。", field="status")
    contact = find_contact(store, caller, contact_id)
    change_id = f"CS-{uuid.uuid4().hex}"
    store.query("contacts/record_status", change_id=change_id, contact_id=contact["contact_id"], status=value,
                made_by=caller.name, **caller.actor(), made_at=_now(at), note=note)
    return ActionResult("status", contact["contact_id"], event_ids=[change_id])


def contact_county(store: GraphStore, caller: Caller, county: str | None) -> str:
    """The county a contact registered by ``caller`` belongs to: ``county`` if given (a
    county in the caller's line of divisions), else the caller's own county (a county,
    town or school officer's; a wider officer must name one)."""
    wanted = (county or "").strip()
    if caller.scope()["school"] is not None:
        rows = store.query("contacts/school_county", school_id=caller.division)
        own = rows[0]["county_code"] if rows else None
    else:
        own = caller.division[:6] if len(caller.division) >= 6 else None
    if not wanted:
        if own is None:
            raise ContactError(f"请指明联系人所属的县（county，6 位县级区划代码，在您的辖区 {caller.division} 内）。",
                               field="county")
        return own
    if not (wanted.isdigit() and len(wanted) == 6):
        raise ContactError(f"县级区划代码「{county}」应为 6 位数字。", field="county")
    if (own is not None and wanted != own) or (own is None and not wanted.startswith(caller.division)):
        raise ContactNotFound(f"辖区内没有县 {wanted}：联系人只能登记在您的辖区内的县。", field="county")
    if not store.query("contacts/county_exists", code=wanted):
        raise ContactNotFound(f"没有县 {wanted}：请核对 6 位县级区划代码。", field="county")
    return wanted


def register(store: GraphStore, caller: Caller, contact_id: str, name: str, *, phone: str | None = None,
             unit: str | None = None, note: str | None = None, at: datetime | None = None,
             county: str | None = None) -> ActionResult:
    """Register a contact no bundle lists (在岗), in ``county`` (default: the caller's), so it can be assigned."""
    _check_can_act(caller)
    cid, who = contact_id.strip(), name.strip()
    if not cid or len(cid) > 40:
        raise ContactError("联系人编号不能为空，最长 40 个字符。", field="contact_id")
    if not who:
        raise ContactError("联系人姓名不能为空。", field="name")
    county_code = contact_county(store, caller, county)
    registration_id = f"CR-{uuid.uuid4().hex}"
    rows = store.query("contacts/register", registration_id=registration_id, contact_id=cid, name=who,
                       county_code=county_code,
                       phone=(phone or "").strip() or None, unit=(unit or "").strip() or None,
                       made_by=caller.name, **caller.actor(), made_at=_now(at), note=note)
    if not rows:
        raise ContactError(f"联系人 {cid} 已存在（数据包或系统内登记）：可直接指派，或换一个编号。",
                           field="contact_id", code="CONTACT_EXISTS", http_status=409)
    return ActionResult("register", cid, event_ids=[registration_id])
