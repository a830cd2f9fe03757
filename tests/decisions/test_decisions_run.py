"""Officers' identity decisions honoured by every run, on the real local Neo4j (issue 10).

decide merge → run → one person with an id it had before, the two cases merged with an
event on each; withdraw → run → the model decides again and each case goes back to the
child whose records it is about; decide split → run → two persons, the case re-attached
to the part whose records carry its finding; re-ordered rows keep the decision; a
decision whose records vanished is reported.
"""

from __future__ import annotations

import pytest
from decision_bundles import HANDMADE, HE_XIAO, copy_bundle, entities
from officers import officer

from notoneless.cases.ledger_reads import case_events, list_cases
from notoneless.decisions import book
from notoneless.decisions.judgement import Verdict
from notoneless.run import run_bundle
from notoneless.trail import find_trail

pytestmark = pytest.mark.graph


def dropout_cases(graph) -> dict[str, object]:
    return {c.case_id: c for c in list_cases(graph, case_type="dropout")}


def node(graph, decision_id: str) -> dict:
    rows = graph.execute_read(
        lambda tx: tx.run("MATCH (d:IdentityDecision {decision_id: $id}) RETURN properties(d) AS p", id=decision_id).data()
    )
    assert len(rows) == 1
    return rows[0]["p"]


def audit_of(graph, person_id: str) -> list[dict]:
    rows = graph.execute_read(
        lambda tx: tx.run(
            "MATCH (a:AuditEvent {person_id: $p}) WHERE a.decision_id IS NOT NULL RETURN properties(a) AS a", p=person_id
        ).data()
    )
    return [r["a"] for r in rows]


def test_merge_decision_then_withdrawal(graph, graph_settings, tmp_path) -> None:
    run_bundle(HANDMADE, tmp_path / "out1", graph_settings)
    e1 = entities(tmp_path / "out1")
    na, qiang = e1["hukou:5"], e1["hukou:6"]  # 李娜 and 李强, siblings, both out of school
    assert na != qiang
    records = {k for k, p in e1.items() if p in (na, qiang)}
    cases1 = {c.person_id: c.case_id for c in dropout_cases(graph).values()}
    assert {na, qiang} <= set(cases1)

    first = book.decide(graph, "hukou:5", "hukou:6", Verdict.SAME, by=officer(graph, "李科员"), note="同一儿童，户籍重复登记")
    before = node(graph, first.decision_id)
    # a second decision on the same pair (named the other way round) is a new node; the first is untouched
    second = book.decide(graph, "hukou:6", "hukou:5", Verdict.SAME, by=officer(graph, "王股长"), note="复核同意")
    assert second.pair == first.pair and second.decision_id != first.decision_id
    assert node(graph, first.decision_id) == before
    # every decision is in the audit trail of both persons concerned
    for pid in (na, qiang):
        assert {a["decision_id"] for a in audit_of(graph, pid)} == {first.decision_id, second.decision_id}

    r2 = run_bundle(HANDMADE, tmp_path / "out2", graph_settings)
    e2 = entities(tmp_path / "out2")
    merged = {e2[k] for k in records}
    assert len(merged) == 1 and merged <= {na, qiang}  # one person, with an id it had before
    (survivor,) = merged
    assert r2.decisions["applied"] == 1 and r2.decisions["vanished"] == 0
    assert r2.cases["merged"] >= 2 and r2.cases["new"] == 0  # the dropout cases, and their contact-gap cases
    cases2 = dropout_cases(graph)
    # the open one of the two cases (the older; same age: the smaller id) is kept, the other parked
    kept, parked = sorted((cases2[cases1[na]], cases2[cases1[qiang]]), key=lambda c: c.state != "待核实")
    assert kept.person_id == survivor and kept.state == "待核实" and kept.match_key == f"dropout|{survivor}"
    assert parked.state == "数据已消除·待确认销号" and parked.match_key.endswith(f"#并入{kept.case_id}")
    for case in (kept, parked):  # an event on each
        assert any(e.action == "merge_person" for e in case_events(graph, case.case_id))
    total, views = book.list_decisions(graph)
    assert total == 2 and {v.standing for v in views} == {"有效", "已被后来的判定取代"}
    assert {v.run_status for v in views if v.standing == "有效"} == {"applied"}

    book.withdraw(graph, second.decision_id, by=officer(graph, "王股长"), note="撤回复核")
    book.withdraw(graph, first.decision_id, by=officer(graph, "李科员"), note="户籍核实为两人")
    assert node(graph, first.decision_id) == before  # withdrawn by another node, never edited
    r3 = run_bundle(HANDMADE, tmp_path / "out3", graph_settings)
    e3 = entities(tmp_path / "out3")
    assert e3["hukou:5"] != e3["hukou:6"]  # the model decides again
    assert r3.decisions["applied"] == 0 and r3.cases["reattached"] >= 2
    cases3 = dropout_cases(graph)
    # each case is back with the child whose records it was opened about, and open
    for person_then, record in ((na, "hukou:5"), (qiang, "hukou:6")):
        case = cases3[cases1[person_then]]
        assert case.person_id == e3[record] and case.state == "待核实", (person_then, case.props)
        assert case.match_key == f"dropout|{e3[record]}"
    assert len(cases3) == len(cases1)  # nothing opened twice


def test_split_decision_reattaches_the_case_and_survives_new_extracts(graph, graph_settings, tmp_path) -> None:
    bundle = copy_bundle(tmp_path / "b1", add={s: [r] for s, r in HE_XIAO.items()})
    run_bundle(bundle, tmp_path / "out1", graph_settings)
    e1 = entities(tmp_path / "out1")
    person = e1["hukou:24"]
    assert e1["xueji:14"] == e1["zizhu:9"] == person  # the model: one child, out of school
    (case,) = [c for c in dropout_cases(graph).values() if c.person_id == person]

    d = book.decide(graph, "hukou:24", "xueji:14", Verdict.DIFFERENT, by=officer(graph, "李科员"), note="学籍为同名另一儿童")
    r2 = run_bundle(bundle, tmp_path / "out2", graph_settings)
    e2 = entities(tmp_path / "out2")
    hukou_part, xueji_part = e2["hukou:24"], e2["xueji:14"]
    assert hukou_part != xueji_part and e2["zizhu:9"] == xueji_part
    assert person in (hukou_part, xueji_part)
    assert r2.decisions == {**r2.decisions, "applied": 1, "vanished": 0}
    # the finding (hukou 正常, not enrolled) is the hukou part's: the case follows it, nothing new opened
    cases = [c for c in dropout_cases(graph).values() if c.person_id in (hukou_part, xueji_part)]
    assert [(c.case_id, c.person_id, c.state) for c in cases] == [(case.case_id, hukou_part, "待核实")]
    if hukou_part != person:
        assert r2.cases["reattached"] >= 1  # the dropout case, and its contact-gap cases
        assert [e.action for e in case_events(graph, case.case_id)][-1] == "split_person"
    # the decided pair is not in the review queue; the trail of both persons lists the decision
    queue = graph.query("reviews/list", county=None, decided=False, auto=True, division=None, school=None, limit=500,
                        offset=0)
    assert not any({i["record_key_a"], i["record_key_b"]} == {"hukou:24", "xueji:14"} for i in queue[0]["items"])
    for pid in (hukou_part, xueji_part):
        (trail,) = find_trail(graph, pid)
        assert [x["decision_id"] for x in trail["decisions"]] == [d.decision_id]

    # a new extract with the rows in another order: other record keys, the same decision
    moved = copy_bundle(tmp_path / "b2", add={s: [r] for s, r in HE_XIAO.items()}, first={"hukou": 24, "xueji": 14})
    r3 = run_bundle(moved, tmp_path / "out3", graph_settings)
    e3 = entities(tmp_path / "out3")
    assert e3["hukou:1"] != e3["xueji:1"] and e3["zizhu:9"] == e3["xueji:1"]
    assert r3.decisions["applied"] == 1

    # the hukou row gone: the decision is reported as vanished, not dropped
    gone = copy_bundle(tmp_path / "b3", add={s: [r] for s, r in HE_XIAO.items()}, drop={"hukou": 24})
    r4 = run_bundle(gone, tmp_path / "out4", graph_settings)
    assert r4.decisions["vanished"] == 1 and r4.decisions["applied"] == 0
    _, views = book.list_decisions(graph)
    assert [(v.decision.decision_id, v.run_status, v.run_status_label) for v in views] == [
        (d.decision_id, "vanished", "记录已不在本次数据中")
    ]
