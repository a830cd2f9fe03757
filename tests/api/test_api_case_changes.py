"""GET /cases?run_id=&change=: the change feed in the API. The scene's run opens every
case (new); a second run hands P01's 疑似失学辍学 case from county A to county B, which
sees it transferred_in while A sees it transferred_out (and still lists it, read-only)."""

from __future__ import annotations

import datetime as dt

import pytest
from api_client import auth
from api_scene import RUN_ID, USERS, A, B

from notoneless.cases import ledger_reads
from notoneless.cases.ledger import reconcile

RUN_2 = "run-api-2"


@pytest.fixture(scope="module")
def handed_over(client, scene, graph_store) -> str:
    """Run 2: P01's dropout finding now names county B; P04's stays. Returns P01's case id."""
    cases = {c.person_id: c for c in ledger_reads.list_cases(graph_store, case_type="dropout")}
    rows = [{**cases["P01"].finding, "责任县": B}, cases["P04"].finding]
    reconcile(graph_store, RUN_2, {"unmatched_children": rows}, merges={}, today=dt.date(2025, 11, 20))
    return cases["P01"].case_id


def _changes(client, token: str, **params: str) -> dict[str, str]:
    r = client.get("/cases", params=params, headers=auth(token))
    assert r.status_code == 200, r.text
    return {c["case_id"]: c["change"] for c in r.json()["items"]}


def test_change_defaults_to_the_latest_run(client, scene, graph_store, handed_over) -> None:
    p04 = next(c.case_id for c in ledger_reads.list_cases(graph_store, case_type="dropout") if c.person_id == "P04")
    assert _changes(client, scene["county_b"], change="transferred_in") == {handed_over: "transferred_in"}
    assert _changes(client, scene["county_b"], change="still_open") == {p04: "still_open"}
    out = client.get("/cases", params={"change": "transferred_out"}, headers=auth(scene["county_a"])).json()["items"]
    assert [(c["case_id"], c["transfer_from"], c["responsible_county"], c["state"], c["change_label"])
            for c in out] == [(handed_over, A, B, "待接收", "转出")]
    # the province holds both counties: for it the hand-off is a case coming in
    assert _changes(client, scene["province"], change="transferred_in") == {handed_over: "transferred_in"}
    assert _changes(client, scene["county_a"], change="new") == {}
    # 剩余天数 beside the deadline, in the list and the case
    case = client.get(f"/cases/{p04}", headers=auth(scene["county_b"])).json()["case"]
    assert case["days_left"] == (dt.date.fromisoformat(case["deadline"]) - dt.date.today()).days


def test_an_earlier_run_by_run_id(client, scene, handed_over) -> None:
    every = _changes(client, scene["province"])
    first = _changes(client, scene["province"], run_id=RUN_ID)
    assert set(first) == set(every) and set(first.values()) == {"new"}
    new_in_a = _changes(client, scene["county_a"], run_id=RUN_ID, change="new")
    assert handed_over in new_in_a and all(v == "new" for v in new_in_a.values())
    # a run that did not reconcile a case leaves its change empty
    assert _changes(client, scene["province"], run_id="no-such-run") == dict.fromkeys(every)
    assert _changes(client, scene["province"], run_id="no-such-run", change="new") == {}


def test_unknown_change_is_422(client, scene) -> None:
    r = client.get("/cases", params={"change": "vanished"}, headers=auth(scene["county_a"]))
    assert r.status_code == 422
    assert any(e.get("field", "").endswith("change") or "change" in str(e) for e in r.json()["errors"])


def test_change_keeps_scope(client, scene, handed_over) -> None:
    assert handed_over not in _changes(client, scene["town_t2"])
    assert _changes(client, scene["school_s2"], change="transferred_in") == {}


def test_cases_nobody_works_are_flagged_unowned(client, scene, graph_store, handed_over) -> None:
    """无人负责: a case whose responsible county has no enabled 县级数据员 is flagged, and
    ?unowned=true lists only those, so the province sees what nobody works."""
    from notoneless.access.users import change_user, find_user

    def listed(**params: str) -> dict[str, tuple[str, bool]]:
        r = client.get("/cases", params={"limit": "200", **params}, headers=auth(scene["province"]))
        assert r.status_code == 200, r.text
        return {c["case_id"]: (c["responsible_county"], c["unowned"]) for c in r.json()["items"]}

    every = listed()
    assert every and not any(unowned for _county, unowned in every.values())  # both counties have an officer
    assert listed(unowned="true") == {}
    admin = find_user(graph_store, USERS["province"][0])
    change_user(graph_store, USERS["county_b"][0], "disable", by=admin)
    try:
        in_b = {case_id for case_id, (county, _u) in every.items() if county == B}
        assert in_b and set(listed(unowned="true")) == in_b
        assert all(unowned == (county == B) for county, unowned in listed().values())
    finally:
        change_user(graph_store, USERS["county_b"][0], "enable", by=admin)
    assert listed(unowned="true") == {}
