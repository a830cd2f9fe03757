"""The conflict rule between service 三包 events and a bundle's contacts (contacts/merge.py),
one test per line of docs/contacts.md's rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from notoneless.contacts.events import Assignment, Registration, ServiceEvents, StatusChange
from notoneless.contacts.merge import merge
from notoneless.localtime import china_day

REF = date(2025, 10, 15)
BEFORE = datetime(2025, 10, 1, 8, tzinfo=UTC)
AFTER = datetime(2025, 10, 20, 8, tzinfo=UTC)
_seq = iter(range(1, 10_000))


def bundle_rows() -> dict[str, list[dict]]:
    return {
        "Division": [{"row_key": "contacts:1", "contact_id": "C1", "type": "包村", "status": "在岗",
                      "target_raw": "431224101201", "code": "431224101201"}],
        "Household": [{"row_key": "contacts:2", "contact_id": "C1", "type": "包户", "status": "在岗",
                       "target_raw": "0001", "uid": "hukou:0001"},
                      {"row_key": "contacts:2", "contact_id": "C1", "type": "包户", "status": "在岗",
                       "target_raw": "0001", "uid": "fupin:0001"}],
        "Person": [{"row_key": "contacts:3", "contact_id": "C2", "type": "包人", "status": "离岗",
                    "target_raw": "4312…", "person_id": "P1", "repaired": False}],
    }


BUNDLE_CONTACTS = {"C1": "在岗", "C2": "离岗"}
KNOWN = {("包村", "431224101201"), ("包村", "431224101202"), ("包户", "hukou:0001"), ("包户", "fupin:0001"),
         ("包人", "P1"), ("包人", "P2"), ("包人", "P-old")}
MOVED = {"P-old": "P2"}  # a person id merged into another by linkage


def resolve(duty: str, target: str) -> str | None:
    key = MOVED.get(target, target)
    return key if (duty, key) in KNOWN else None


def assignment(action: str, contact: str, duty: str, target: str, at: datetime) -> Assignment:
    return Assignment(f"CA-{next(_seq):04d}", action, contact, duty, target, "officer", at)


def status(contact: str, value: str, at: datetime) -> StatusChange:
    return StatusChange(f"CS-{next(_seq):04d}", contact, value, "officer", at)


def run(*events, registrations=()):
    assignments = tuple(e for e in events if isinstance(e, Assignment))
    changes = tuple(e for e in events if isinstance(e, StatusChange))
    return merge(bundle_rows(), BUNDLE_CONTACTS, ServiceEvents(assignments, changes, tuple(registrations)), REF, resolve)


def keys(effective, label: str) -> list[tuple[str, str, str]]:
    field = {"Division": "code", "Household": "uid", "Person": "person_id"}[label]
    return sorted((r["contact_id"], r[field], r["status"]) for r in effective.responsibilities[label])


def test_no_service_events_returns_the_bundle_unchanged():
    out = run()
    assert out.responsibilities == bundle_rows()
    assert (out.status, out.contacts, out.report.applied_total, out.report.overridden) == ({}, [], 0, 0)


def test_a_newer_service_release_removes_the_bundle_rows_responsibility():
    out = run(assignment("release", "C1", "包户", "fupin:0001", AFTER))
    # only the released household; the same bundle row's other household stays
    assert keys(out, "Household") == [("C1", "hukou:0001", "在岗")]
    assert (out.report.applied["release"], out.report.overridden) == (1, 0)


def test_an_older_service_release_is_overridden_by_the_newer_bundle():
    out = run(assignment("release", "C1", "包村", "431224101201", BEFORE))
    assert keys(out, "Division") == [("C1", "431224101201", "在岗")]
    assert (out.report.applied_total, out.report.overridden) == (0, 1)


def test_a_service_action_on_the_reference_date_itself_wins():
    # 2025-10-15 00:30 in China is still 2025-10-14 in UTC: the day counts in China time
    at = datetime(2025, 10, 14, 16, 30, tzinfo=UTC)
    assert china_day(at) == REF
    out = run(assignment("release", "C1", "包村", "431224101201", at))
    assert keys(out, "Division") == [] and out.report.applied["release"] == 1


def test_a_newer_service_status_makes_every_responsibility_of_the_contact_take_it():
    out = run(status("C1", "离岗", AFTER))
    assert keys(out, "Division") == [("C1", "431224101201", "离岗")]
    assert keys(out, "Household") == [("C1", "fupin:0001", "离岗"), ("C1", "hukou:0001", "离岗")]
    assert out.status == {"C1": "离岗"} and out.report.applied["status"] == 1


def test_a_newer_service_status_puts_a_contact_the_bundle_says_is_away_back_on_duty():
    out = run(status("C2", "在岗", AFTER))
    assert keys(out, "Person") == [("C2", "P1", "在岗")]


def test_an_older_service_status_is_overridden_by_the_newer_bundle():
    out = run(status("C1", "离岗", BEFORE))
    assert keys(out, "Division") == [("C1", "431224101201", "在岗")]
    assert (out.status, out.report.overridden) == ({}, 1)


def test_a_service_assignment_the_bundle_says_nothing_about_simply_adds_even_when_older():
    out = run(assignment("assign", "C1", "包人", "P2", BEFORE))
    rows = out.responsibilities["Person"]
    added = [r for r in rows if r["contact_id"] == "C1"]
    assert len(added) == 1 and added[0]["row_key"].startswith("service:CA-")
    assert added[0]["status"] == "在岗" and added[0]["assignment_id"] == added[0]["row_key"][len("service:"):]
    assert out.report.applied["assign"] == 1


def test_a_service_assignment_takes_the_contacts_bundle_status_or_the_applied_service_status():
    away = run(assignment("assign", "C2", "包人", "P2", AFTER))
    assert ("C2", "P2", "离岗") in keys(away, "Person")
    back = run(assignment("assign", "C2", "包人", "P2", AFTER), status("C2", "在岗", AFTER))
    assert ("C2", "P2", "在岗") in keys(back, "Person")


def test_the_newest_statement_of_a_slot_speaks_for_it():
    assign_then_release = run(assignment("assign", "C1", "包人", "P2", AFTER),
                              assignment("release", "C1", "包人", "P2", datetime(2025, 10, 21, tzinfo=UTC)))
    assert ("C1", "P2", "在岗") not in keys(assign_then_release, "Person")
    release_then_assign = run(assignment("release", "C1", "包村", "431224101201", AFTER),
                              assignment("assign", "C1", "包村", "431224101201", datetime(2025, 10, 21, tzinfo=UTC)))
    assert keys(release_then_assign, "Division") == [("C1", "431224101201", "在岗")]


def test_person_targets_follow_merges_and_meet_in_one_slot():
    out = run(assignment("assign", "C1", "包人", "P-old", AFTER),
              assignment("release", "C1", "包人", "P2", datetime(2025, 10, 21, tzinfo=UTC)))
    assert [r for r in out.responsibilities["Person"] if r["contact_id"] == "C1"] == []
    moved = run(assignment("assign", "C1", "包人", "P-old", AFTER))
    assert ("C1", "P2", "在岗") in keys(moved, "Person")


@pytest.mark.parametrize("event", [
    assignment("assign", "C1", "包人", "P-gone", AFTER),       # the person is in no record of this run
    assignment("assign", "C1", "包村", "431224999999", AFTER),  # no such village
    assignment("assign", "C9", "包人", "P2", AFTER),           # a contact neither listed nor registered
    status("C9", "离岗", AFTER),
])
def test_statements_about_what_is_gone_are_reported_not_applied(event):
    out = run(event)
    assert out.responsibilities == bundle_rows()
    assert (out.report.unresolved, out.report.applied_total) == (1, 0)


def test_a_registered_contact_is_added_on_duty_and_can_be_assigned():
    reg = Registration("CR-1", "C9", "王老师", "officer", AFTER, phone="13800000009", unit="示例中心校")
    out = run(assignment("assign", "C9", "包人", "P2", AFTER), registrations=[reg])
    assert out.contacts == [{"contact_id": "C9", "name": "王老师", "phone": "13800000009", "unit": "示例中心校",
                             "status": "在岗"}]
    assert ("C9", "P2", "在岗") in keys(out, "Person") and out.report.registered == 1


def test_a_bundle_listing_a_registered_contact_wins_for_its_details():
    reg = Registration("CR-1", "C1", "别名", "officer", AFTER)
    out = run(registrations=[reg])
    assert out.contacts == [] and out.report.registered == 0


def test_the_summary_line_counts_applied_and_overridden_statements():
    out = run(assignment("release", "C1", "包户", "fupin:0001", AFTER),
              assignment("assign", "C1", "包人", "P2", AFTER), status("C1", "离岗", BEFORE))
    line = out.report.describe()
    assert "生效 2 条" in line and "指派 1" in line and "解除 1" in line and "覆盖 1 条" in line
