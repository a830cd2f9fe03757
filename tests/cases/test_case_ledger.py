"""The ledger on the real local Neo4j: reconcile, act, re-run, merges, concurrency."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from officers import officer

from notoneless.access.users import Role
from notoneless.cases import ledger
from notoneless.cases.ledger import act, reconcile
from notoneless.cases.ledger_reads import case_events, get_case, list_cases
from notoneless.cases.states import State
from notoneless.errors import CaseError

pytestmark = pytest.mark.graph

DAY1 = date(2025, 10, 20)
DAY2 = date(2025, 11, 20)


def child(pid: str, name: str, village: str = "431222101203") -> dict[str, str]:
    return {
        "person_id": pid, "姓名": name, "身份证号": "", "出生日期": "2014-03-05", "户籍区划代码": village,
        "责任县": village[:6], "建档立卡": "是", "低保特困": "否", "残疾": "否",
    }  # fmt: skip


RUN1 = {
    "unmatched_children": [child("P1", "张一"), child("P2", "张二"), child("P3", "张三"), child("P4", "李四", "431202101001")],
    "missed_subsidies": [{"person_id": "P6", "学期": "2025秋", "资格": "建档立卡", "责任县": "431222"}],
    "contact_gaps": [
        {"类型": "包村缺位", "对象": "431222101203", "区划代码": "431222101203", "联系人编号": "", "最近走访日期": ""},
        {"类型": "走访逾期", "对象": "P1", "区划代码": "431222101203", "联系人编号": "C1", "最近走访日期": "2025-08-01"},
    ],
    "duplicate_subsidies": [
        {"person_id": "P7", "学期": "2025秋", "资助项目": "生活补助", "笔数": "2", "发放县": "431222;431202", "应发县": "431202", "重复金额": "625.00"}
    ],
    "cross_county_students": [
        {"person_id": "P8", "户籍县": "431222", "学籍县": "431202", "范围": "省内跨县", "资助责任县": "431202", "核实责任县": "431202"}
    ],
}

RUN2 = {
    # P2 now enrolled (gone); P3 and P6 reappear after closure; P4 merged into P9; P10 new
    "unmatched_children": [child("P1", "张一"), child("P3", "张三"), child("P9", "李四", "431202101001"), child("P10", "王十")],
    "missed_subsidies": [{"person_id": "P6", "学期": "2025秋", "资格": "建档立卡", "责任县": "431222"}],
    "contact_gaps": [],  # both gaps filled
    "cross_county_students": RUN1["cross_county_students"],
    # duplicate_subsidies not checked this run: its case is left alone
}


def by_person(graph, case_type: str) -> dict[str, object]:
    return {c.subject: c for c in list_cases(graph, case_type=case_type)}


@pytest.mark.parametrize("part", [4000, 2], ids=["one-transaction", "partitioned"])
def test_reconcile_act_and_rerun(graph, monkeypatch, part: int) -> None:
    monkeypatch.setattr(ledger, "_PART", part)  # small parts: the ledger split over many transactions
    s1 = reconcile(graph, "run-1", RUN1, merges={}, today=DAY1)
    assert len(s1.new) == 9 and not (s1.still_open or s1.resolved_by_data or s1.reopened)
    assert "新立案 9 件" in s1.describe()
    dropouts = by_person(graph, "dropout")
    assert set(dropouts) == {"P1", "P2", "P3", "P4"}
    p1 = dropouts["P1"]
    assert (p1.state, p1.responsible_county, p1.responsible_town, p1.responsible_village) == (
        "待核实", "431222", "431222101", "431222101203",
    )  # fmt: skip
    assert p1.deadline == date(2025, 11, 19) and p1.name == "张一" and p1.finding["户籍区划代码"] == "431222101203"
    assert by_person(graph, "missed_subsidy")["P6"].deadline == date(2025, 11, 30)
    assert {c.subject for c in list_cases(graph, county="431202")} == {"P4", "P7", "P8"}
    # every new case and its 立案 event carry the reconciliation's one time (cases/create_cases' $at)
    times = graph.execute_read(lambda tx: tx.run(
        "MATCH (c:Case)-[:HAS_EVENT]->(e:CaseEvent {seq: 1}) RETURN c.opened_at AS o, c.updated_at AS u, e.at AS a").data())
    assert len(times) == 9 and len({(t["o"], t["u"], t["a"]) for t in times}) == 1
    assert times[0]["o"] is not None and times[0]["o"] == times[0]["a"] and hasattr(times[0]["o"], "tzinfo")

    # officers work some cases
    act(graph, p1.case_id, "start_verification", by=officer(graph, "李校长"), today=DAY1)
    act(graph, p1.case_id, "确认辍学", by=officer(graph, "李校长"), reason="A2", today=DAY1)
    p3 = dropouts["P3"].case_id
    act(graph, p3, "start_verification", by=officer(graph, "陈老师"), today=DAY1)
    with pytest.raises(CaseError, match="学籍所在省"):
        act(graph, p3, "exclude", by=officer(graph, "陈老师"), reason="B2", evidence=["学籍号=G1", "学校名称=一中"], today=DAY1)
    act(graph, p3, "exclude", by=officer(graph, "陈老师"), reason="B2", evidence=["学籍号=G1", "学籍所在省=湖南", "学校名称=一中"], today=DAY1)
    act(graph, p3, "close", by=officer(graph, "教育局"), today=DAY1)
    p6 = by_person(graph, "missed_subsidy")["P6"].case_id
    act(graph, p6, "pay", by=officer(graph, "资助中心"), evidence=["发放凭证=2025-118"], details={"date": "2025-10-30", "amount": "625"}, today=DAY1)
    act(graph, p6, "close", by=officer(graph, "资助中心"), today=DAY1)
    assert get_case(graph, p3).state == "销号" and get_case(graph, p3).closed_at is not None
    assert [e.action for e in case_events(graph, p3)] == ["open", "start_verification", "exclude", "close"]
    before = {c.case_id: case_events(graph, c.case_id) for c in list_cases(graph)}

    # the next month's run
    s2 = reconcile(graph, "run-2", RUN2, merges={"P4": "P9"}, today=DAY2)
    dropouts = by_person(graph, "dropout")
    gaps = list_cases(graph, case_type="contact_gap")
    assert len(s2.new) == 1 and get_case(graph, s2.new[0]).subject == "P10"
    assert set(s2.reopened) == {p6}  # paid and closed, yet missed again: reopened
    assert s2.excluded_still_seen == (p3,)  # excluded with B2 this school year: stays closed
    assert set(s2.resolved_by_data) == {dropouts["P2"].case_id, *(g.case_id for g in gaps)}
    assert set(s2.still_open) == {p1.case_id, dropouts["P9"].case_id, *(c.case_id for c in list_cases(graph, case_type="cross_county"))}
    assert s2.merged == (dropouts["P9"].case_id,)
    assert "P4" not in dropouts  # the merged person's case followed, no duplicate
    assert dropouts["P9"].case_id in before
    assert len(list_cases(graph)) == 10

    assert get_case(graph, p1.case_id).state == "确认辍学"  # officers' work kept
    assert get_case(graph, dropouts["P2"].case_id).state == State.DATA_RESOLVED.value
    assert get_case(graph, dropouts["P2"].case_id).resume_state == "待核实"
    assert get_case(graph, p3).state == "销号" and get_case(graph, p3).reason_code == "B2"
    assert get_case(graph, p6).state == "待处理"
    assert by_person(graph, "duplicate_subsidy")["P7"].state == "待处理"  # kind not checked: untouched

    # every earlier event intact, new ones appended after them
    for case_id, old in before.items():
        now = case_events(graph, case_id)
        assert now[: len(old)] == old
        assert [e.seq for e in now] == list(range(1, len(now) + 1))
        assert get_case(graph, case_id).version == len(now)
    assert [e.action for e in case_events(graph, p3)][-1] == "close"
    assert [e.action for e in case_events(graph, p6)][-1] == "reopen"
    assert case_events(graph, dropouts["P9"].case_id)[-1].details == {"old_person_id": "P4", "new_person_id": "P9"}

    # the same run again changes nothing
    s2b = reconcile(graph, "run-2", RUN2, merges={"P4": "P9"}, today=DAY2)
    assert not (s2b.new or s2b.reopened or s2b.resolved_by_data or s2b.merged)
    assert set(s2b.still_open) == set(s2.still_open) | set(s2.reopened) | set(s2.new)
    assert s2b.excluded_still_seen == s2.excluded_still_seen

    # P2 reappears while parked at 数据已消除: back where it was, counted as still open
    s3 = reconcile(graph, "run-3", {"unmatched_children": [*RUN2["unmatched_children"], child("P2", "张二")]}, merges={"P4": "P9"}, today=DAY2)
    assert dropouts["P2"].case_id in s3.still_open and not s3.new
    assert get_case(graph, dropouts["P2"].case_id).state == "待核实"

    # an officer confirms a data-resolved case with evidence
    gap = gaps[0].case_id
    with pytest.raises(CaseError, match="佐证"):
        act(graph, gap, "confirm_close", by=officer(graph, "中心校"), today=DAY2)
    assert act(graph, gap, "confirm_close", by=officer(graph, "中心校"), evidence=["指派文件=2025-3"], today=DAY2).state == "销号"

    overdue = list_cases(graph, overdue=True, today=date(2025, 12, 1))
    assert p1.case_id in {c.case_id for c in overdue} and gap not in {c.case_id for c in overdue}


def test_new_cases_are_linked_as_they_are_opened(graph, monkeypatch) -> None:
    """cases/create_cases links each new case to its person, county and opening run where those
    nodes exist, so that link_cases (cases/link_keys) has nothing left to link; a merged
    person's case (its person_id now the survivor's) is linked by link_cases, as before."""
    linked: list[int] = []  # what each reconciliation's link_cases wrote
    original = ledger.link_cases
    monkeypatch.setattr(ledger, "link_cases", lambda store: linked.append(original(store)) or linked[-1])
    graph.execute_write(lambda tx: tx.run(
        "CREATE (:Person {person_id: 'P1'}), (:Person {person_id: 'P11'}), (:Person {person_id: 'P12'}), "
        "(:Division {code: '431222'}), (:Run {run_id: 'run-1'}), (:Run {run_id: 'run-2'})").consume())
    s1 = reconcile(graph, "run-1", {"unmatched_children": [child("P1", "张一"), child("P2", "张二"),
                                                           child("P12", "赵一")]}, merges={}, today=DAY1)
    assert len(s1.new) == 3

    def links(tx):
        return sorted((r["match_key"], r["p"], sorted(r["about"]), r["county"], r["run"]) for r in tx.run(
            "MATCH (c:Case) RETURN c.match_key AS match_key, c.person_id AS p, "
            "COLLECT { MATCH (c)-[:ABOUT]->(x) RETURN x.person_id } AS about, "
            "COLLECT { MATCH (c)-[:RESPONSIBLE_COUNTY]->(d) RETURN d.code } AS county, "
            "COLLECT { MATCH (c)-[:OPENED_IN]->(r) RETURN r.run_id } AS run"))

    assert graph.execute_read(links) == [("dropout|P1", "P1", ["P1"], ["431222"], ["run-1"]),
                                         ("dropout|P12", "P12", ["P12"], ["431222"], ["run-1"]),
                                         ("dropout|P2", "P2", [], ["431222"], ["run-1"])]  # no Person P2 node
    assert linked == [0]
    reconcile(graph, "run-2", {"unmatched_children": [child("P11", "赵一")]}, merges={"P12": "P11"}, today=DAY2)
    merged = [row for row in graph.execute_read(links) if row[1] == "P11"]
    assert merged and all("P11" in about for _key, _p, about, _county, _run in merged)
    assert linked[1] >= 1 and graph.query("cases/link_keys") == []


def test_merge_of_two_open_cases_keeps_one(graph) -> None:
    reconcile(graph, "run-1", {"unmatched_children": [child("P11", "赵一"), child("P12", "赵一")]}, merges={}, today=DAY1)
    first = by_person(graph, "dropout")
    s = reconcile(graph, "run-2", {"unmatched_children": [child("P11", "赵一")]}, merges={"P12": "P11"}, today=DAY2)
    cases = list_cases(graph, case_type="dropout")
    assert len(cases) == 2 and not s.new
    keep = [c for c in cases if c.match_key == "dropout|P11"]
    gone = [c for c in cases if c.match_key != "dropout|P11"]
    assert len(keep) == 1 and len(gone) == 1
    assert gone[0].person_id == "P11" and gone[0].state == State.DATA_RESOLVED.value
    assert keep[0].case_id in s.still_open and gone[0].case_id in s.resolved_by_data
    assert {first["P11"].case_id, first["P12"].case_id} == {keep[0].case_id, gone[0].case_id}


def _race(fn_a, fn_b) -> list[object]:
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except CaseError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate((fn_a, fn_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("round_", range(4))
def test_two_officers_cannot_both_succeed(graph, round_: int) -> None:
    rows = [child(f"Q{i}", f"钱{i}") for i in range(3)]
    reconcile(graph, "run-c", {"unmatched_children": rows}, merges={}, today=DAY1)
    for case in list_cases(graph):
        # same action, no version given: the loser is judged against the winner's state
        results = _race(
            lambda: act(graph, case.case_id, "start_verification", by=officer(graph, "甲"), today=DAY1),
            lambda: act(graph, case.case_id, "start_verification", by=officer(graph, "乙"), today=DAY1),
        )
        errors = [r for r in results if isinstance(r, CaseError)]
        assert len(errors) == 1 and errors[0].code == "CASE_ILLEGAL_TRANSITION"
        # conflicting actions on the version both officers saw
        v = get_case(graph, case.case_id).version
        results = _race(
            lambda: act(graph, case.case_id, "confirm_dropout", by=officer(graph, "甲"), reason="A1", expected_version=v, today=DAY1),
            lambda: act(graph, case.case_id, "exclude", by=officer(graph, "乙"), reason="B9", evidence=["公安证明=1"], expected_version=v, today=DAY1),
        )
        errors = [r for r in results if isinstance(r, CaseError)]
        assert len(errors) == 1 and errors[0].code == "CASE_CONFLICT"
        events = case_events(graph, case.case_id)
        assert [e.seq for e in events] == [1, 2, 3]
        assert get_case(graph, case.case_id).state == events[-1].to_state
        assert events[-1].action in ("confirm_dropout", "exclude")


def test_refused_action_leaves_no_trace(graph) -> None:
    reconcile(graph, "run-1", {"unmatched_children": [child("P1", "张一")]}, merges={}, today=DAY1)
    case = list_cases(graph)[0]
    with pytest.raises(CaseError, match="可执行的操作"):
        act(graph, case.case_id, "close", by=officer(graph, "x"), today=DAY1)
    with pytest.raises(CaseError) as exc:
        act(graph, "KB-NOPE", "close", by=officer(graph, "x"), today=DAY1)
    assert exc.value.code == "CASE_NOT_FOUND"
    assert len(case_events(graph, case.case_id)) == 1 and get_case(graph, case.case_id).version == 1


def test_merges_come_from_the_linkage_history(graph, tmp_path) -> None:
    import duckdb

    history = tmp_path / "history.duckdb"
    con = duckdb.connect(str(history))
    con.execute("CREATE TABLE person_id_merges (old_person_id VARCHAR, into_person_id VARCHAR, run_id VARCHAR)")
    con.execute("INSERT INTO person_id_merges VALUES ('P21', 'P22', 'run-2'), ('P22', 'P23', 'run-3')")
    con.close()
    reconcile(graph, "run-1", {"unmatched_children": [child("P21", "孙一")]}, history_path=tmp_path / "none.duckdb", today=DAY1)
    s = reconcile(graph, "run-3", {"unmatched_children": [child("P23", "孙一")]}, history_path=history, today=DAY2)
    (case,) = list_cases(graph)
    assert case.person_id == "P23" and s.merged == (case.case_id,) and not s.new and s.still_open == (case.case_id,)


def _history(graph, case_id: str) -> tuple[str, int, list[str]]:
    case = get_case(graph, case_id)
    return case.state, case.version, [e.action for e in case_events(graph, case_id)]


def test_a_run_reconciles_only_the_counties_its_bundle_covers(graph) -> None:
    # Two counties run their own extracts in one workspace (issue 19, 3).
    county_a = {"unmatched_children": [child("PA1", "甲一"), child("PA2", "甲二")],
                "missed_subsidies": [], "contact_gaps": [], "duplicate_subsidies": [], "cross_county_students": []}
    county_b = {"unmatched_children": [child("PB1", "乙一", "431202101001")],
                "missed_subsidies": [], "contact_gaps": [], "duplicate_subsidies": [], "cross_county_students": []}
    first = reconcile(graph, "run-a", county_a, merges={}, today=DAY1, coverage={"431222"})
    a_cases = sorted(first.new)
    act(graph, a_cases[0], "start_verification", by=officer(graph, "甲县专干"), today=DAY1)
    before = {cid: _history(graph, cid) for cid in a_cases}

    second = reconcile(graph, "run-b", county_b, merges={}, today=DAY2, coverage={"431202"})
    assert len(second.new) == 1 and not second.resolved_by_data and sorted(second.untouched) == a_cases
    assert "未覆盖的县的 2 件案件未变动" in second.describe()
    assert {cid: _history(graph, cid) for cid in a_cases} == before  # no state change, no event

    # The same second run without a coverage (the whole ledger, as before) parks them.
    whole = reconcile(graph, "run-b2", county_b, merges={}, today=DAY2)
    assert sorted(whole.resolved_by_data) == a_cases


def test_a_finding_of_the_run_brings_its_case_into_scope(graph) -> None:
    # A case of another county that this run's findings name is reconciled (refreshed),
    # so a finding never opens a second case beside it.
    row = child("PX", "跨县", "431202101001")
    reconcile(graph, "run-1", {"unmatched_children": [row]}, merges={}, today=DAY1, coverage={"431202"})
    moved = {**row, "户籍区划代码": "431222101203", "责任县": "431222"}
    again = reconcile(graph, "run-2", {"unmatched_children": [moved]}, merges={}, today=DAY2, coverage={"431222"})
    assert not again.new and len(again.transferred_in) == 1 and not again.untouched  # handed over, below


def test_out_of_province_students_are_the_registration_countys(graph) -> None:
    row = {"person_id": "P8", "户籍县": "431222", "学籍县": "440306", "范围": "省外就读",
           "资助责任县": "431222", "核实责任县": "440306"}
    s = reconcile(graph, "run-1", {"cross_county_students": [row]}, merges={}, today=DAY1)
    assert get_case(graph, s.new[0]).responsible_county == "431222"  # 户籍地核实, never a county outside


def _excluded_and_closed(graph, run: str, row: dict[str, str], reason: str, evidence: list[str]) -> str:
    case_id = reconcile(graph, run, {"unmatched_children": [row]}, merges={}, today=DAY1).new[0]
    who = officer(graph, "核实员")
    act(graph, case_id, "start_verification", by=who, today=DAY1)
    act(graph, case_id, "exclude", by=who, reason=reason, evidence=evidence, today=DAY1)
    act(graph, case_id, "close", by=who, today=DAY1)
    return case_id


def test_a_b2_exclusion_holds_until_the_school_year_ends(graph) -> None:
    # Issue 19, 1: the child studies elsewhere and stays absent from our 学籍 extract.
    row = child("PB2", "深圳读书")
    case_id = _excluded_and_closed(graph, "m1", row, "B2", ["学籍号=G44030620140305", "学籍所在省=广东", "学校名称=深圳某小学"])
    month2 = reconcile(graph, "m2", {"unmatched_children": [row]}, merges={}, today=DAY2)
    assert month2.excluded_still_seen == (case_id,) and not month2.reopened
    case = get_case(graph, case_id)
    assert case.state == "销号" and case.version == 4  # opened, verifying, excluded, closed: no event since
    assert "B2 在校有学籍，有效至 2026-08-31" in case.props["hold_note"]

    autumn = reconcile(graph, "m12", {"unmatched_children": [row]}, merges={}, today=date(2026, 9, 15))
    assert autumn.reopened == (case_id,) and not autumn.excluded_still_seen
    case = get_case(graph, case_id)
    assert case.state == "待核实" and not case.props.get("hold_note")
    last = case_events(graph, case_id)[-1]
    assert last.action == "reopen" and "有效期（至 2026-08-31）已届满" in last.note


def test_data_contradicting_a_b7_exclusion_reopens_it(graph) -> None:
    row = {**child("PB7", "重残"), "残疾": "是"}
    case_id = _excluded_and_closed(graph, "m1", row, "B7", ["残疾证=43122220140305"])
    assert reconcile(graph, "m2", {"unmatched_children": [row]}, merges={}, today=DAY2).excluded_still_seen
    changed = reconcile(graph, "m3", {"unmatched_children": [{**row, "残疾": "否"}]}, merges={}, today=DAY2)
    assert changed.reopened == (case_id,)
    assert "残疾：是 → 否" in case_events(graph, case_id)[-1].note


def test_a_closure_without_a_holding_reason_reopens_as_before(graph) -> None:
    row = child("PR", "复学")
    case_id = reconcile(graph, "m1", {"unmatched_children": [row]}, merges={}, today=DAY1).new[0]
    who = officer(graph, "核实员")
    for action, kw in (("start_verification", {}), ("confirm_dropout", {"reason": "A2"}),
                       ("start_persuasion", {"details": {"school_leader": "校长", "teacher": "老师", "village_cadre": "村干部"}}),
                       ("return_to_school", {"evidence": ["学籍号=G1", "学校名称=一中"]}), ("close", {})):
        act(graph, case_id, action, by=who, today=DAY1, **kw)
    again = reconcile(graph, "m2", {"unmatched_children": [row]}, merges={}, today=DAY2)
    assert again.reopened == (case_id,) and "比对结果再次出现" in case_events(graph, case_id)[-1].note


def test_a_moved_childs_case_is_handed_to_the_new_county(graph) -> None:
    # Issue 19, 2: the child's 户籍 moved from 431202 to 431221.
    row = child("PM", "搬家", "431202101001")
    case_id = reconcile(graph, "m1", {"unmatched_children": [row]}, merges={}, today=DAY1).new[0]
    old_officer = officer(graph, "原县数据员", Role.COUNTY, "431202")
    new_officer = officer(graph, "新县数据员", Role.COUNTY, "431221")
    act(graph, case_id, "start_verification", by=old_officer, today=DAY1)
    moved = {**row, "户籍区划代码": "431221102003", "责任县": "431221"}
    month2 = reconcile(graph, "m2", {"unmatched_children": [moved]}, merges={}, today=DAY2)
    assert month2.transferred_in == (case_id,) and "转其他县待接收 1 件" in month2.describe()
    case = get_case(graph, case_id)
    assert (case.state, case.responsible_county, case.props["transfer_from"]) == ("待接收", "431221", "431202")
    last = case_events(graph, case_id)[-1]
    assert last.action == "transfer" and last.details == {"from_county": "431202", "to_county": "431221"}
    assert "由 431202 变为 431221" in last.note
    # both counties list it; only the new one may act on it
    assert case_id in {c.case_id for c in list_cases(graph, county="431202")}
    assert case_id in {c.case_id for c in list_cases(graph, county="431221")}
    with pytest.raises(CaseError) as err:
        act(graph, case_id, "accept", by=old_officer, today=DAY2)
    assert err.value.code == "CASE_TRANSFER_PENDING" and err.value.http_status == 403
    # the next month's run leaves a pending hand-off to the new county
    again = reconcile(graph, "m3", {"unmatched_children": [moved]}, merges={}, today=DAY2)
    assert again.still_open == (case_id,) and get_case(graph, case_id).state == "待接收"

    # returned, with a reason: back to the old county where it was, and not handed again by the data
    with pytest.raises(CaseError, match="备注"):
        act(graph, case_id, "退回", by=new_officer, today=DAY2)
    back = act(graph, case_id, "退回", by=new_officer, note="户籍迁入手续未办完", today=DAY2)
    assert (back.state, back.responsible_county, back.props.get("transfer_from")) == ("核实中", "431202", None)
    still = reconcile(graph, "m4", {"unmatched_children": [moved]}, merges={}, today=DAY2)
    assert still.still_open == (case_id,) and get_case(graph, case_id).responsible_county == "431202"

    # an officer hands it over by hand; the new county accepts it
    with pytest.raises(CaseError, match="6 位"):
        act(graph, case_id, "转出", by=old_officer, details={"to_county": "4312"}, note="迁出", today=DAY2)
    act(graph, case_id, "转出", by=old_officer, details={"to_county": "431221"}, note="户籍已迁入", today=DAY2)
    accepted = act(graph, case_id, "接收", by=new_officer, today=DAY2)
    assert (accepted.state, accepted.responsible_county, accepted.props.get("transfer_from")) == ("核实中", "431221", None)
    assert [e.action for e in case_events(graph, case_id)][2:] == ["transfer", "return_case", "transfer", "accept"]


def test_the_change_feed_shows_a_hand_off_from_both_sides(graph) -> None:
    from notoneless.cases.ledger_reads import case_changes

    row = child("PF", "迁户", "431202101001")
    case_id = reconcile(graph, "2025-10", {"unmatched_children": [row]}, merges={}, today=DAY1).new[0]
    moved = {**row, "户籍区划代码": "431221102003", "责任县": "431221"}
    reconcile(graph, "2025-11", {"unmatched_children": [moved]}, merges={}, today=DAY2)
    _, new_side = case_changes(graph, "2025-11", county="431221")
    _, old_side = case_changes(graph, "2025-11", county="431202")
    assert [(r["case_id"], r["change"]) for r in new_side] == [(case_id, "transferred_in")]
    assert [(r["case_id"], r["change"], r["from_county"]) for r in old_side] == [(case_id, "transferred_out", "431202")]
