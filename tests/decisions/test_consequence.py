"""What deciding a review item would change (decisions/consequence.py): the merge of two
persons and the split of one, from the facts ``reviews/consequence_facts`` reads."""

from __future__ import annotations

from notoneless.decisions.consequence import (
    IDS_AGREE,
    NOTHING,
    QueueAssessment,
    assess_item,
    auto_reason,
    describe,
    ids_differ,
    queue_line,
)
from notoneless.decisions.judgement import Verdict


def side(person_id: str, **facts) -> dict:
    base = {"side": "a", "source": "hukou", "enrol_status": None, "term": None, "project": None,
            "person_id": person_id, "unmatched": False, "enrolled": False, "studying_compulsory": False,
            "compulsory_age": True, "active_reg": True, "excluded": False, "eligible": False,
            "enrolled_records": 0, "payments": [], "findings": [], "cases": []}
    return {**base, **facts}


def test_merging_a_dropout_with_an_enrolment_ends_the_dropout_and_its_case() -> None:
    a = side("P1", unmatched=True, findings=["unmatched_children"], cases=["dropout"])
    b = side("P2", source="xueji", enrol_status="在读", enrolled=True, enrolled_records=1)
    verdict, lines = assess_item(False, [a, b], "2025秋")
    assert verdict is Verdict.SAME
    assert lines == ["1 名儿童不再列为疑似辍学（1 个案件将转为“数据已消除·待确认销号”）"]
    item = {"consequence_verdict": verdict.value, "consequences": lines}
    assert describe(item).startswith("决定为同一人后：1 名儿童不再列为疑似辍学")


def test_merging_two_paid_records_of_one_term_and_project_makes_a_duplicate() -> None:
    paid = ["2025秋|义务教育家庭经济困难学生生活补助"]
    a = side("P1", enrolled=True, payments=paid, findings=["missed_subsidies"])
    b = side("P2", enrolled=True, payments=paid)
    _, lines = assess_item(False, [a, b], "2025秋")
    assert any(line.startswith("将出现重复资助：2025秋 义务教育家庭经济困难学生生活补助") for line in lines)
    assert any("不再列为漏助" in line for line in lines)


def test_a_merge_that_changes_nothing_says_so() -> None:
    verdict, lines = assess_item(False, [side("P1", enrolled=True), side("P2", enrolled=True)], "2025秋")
    assert lines == [] and describe({"consequence_verdict": verdict.value, "consequences": []}) == f"决定后：{NOTHING}"


def test_splitting_off_the_only_enrolment_may_make_a_dropout() -> None:
    person = {"enrolled": True, "enrolled_records": 1, "unmatched": False}
    hukou = side("P1", **person)
    xueji = side("P1", source="xueji", enrol_status="在读", **person)
    verdict, lines = assess_item(True, [hukou, xueji], "2025秋")
    assert verdict is Verdict.DIFFERENT and lines == ["可能新增 1 名疑似辍学儿童（分开后，另一方没有在读学籍）"]
    # two enrolments: the other keeps the child enrolled
    two = {**person, "enrolled_records": 2}
    assert assess_item(True, [side("P1", **two), side("P1", source="xueji", enrol_status="在读", **two)], None)[1] == []


def test_merging_a_registration_with_a_school_of_another_county_changes_the_attribution() -> None:
    hukou = side("P1", reg_county="431202")
    xueji = side("P2", source="xueji", enrol_status="在读", enrolled=True, enrolled_records=1, studying=True,
                 study_county="431221")
    verdict, lines = assess_item(False, [hukou, xueji], "2025秋")
    assert verdict is Verdict.SAME
    assert lines == ["可能新增 1 条跨县就读线索（户籍 431202，就读 431221），资助与控辍责任县随之改变"]
    # the same county, or a person who is a cross-county student already: nothing new
    assert assess_item(False, [hukou, {**xueji, "study_county": "431202"}], None)[1] == []
    assert assess_item(False, [{**hukou, "findings": ["cross_county_students"]}, xueji], None)[1] == []


def test_splitting_a_cross_county_students_registration_from_the_school_may_end_the_finding() -> None:
    facts = {"findings": ["cross_county_students"], "reg_county": "431202", "study_county": "431221",
             "enrolled": True, "enrolled_records": 2}
    verdict, lines = assess_item(True, [side("P1", **facts), side("P1", source="xueji", enrol_status="在读", **facts)],
                                 None)
    assert verdict is Verdict.DIFFERENT
    assert lines == ["跨县就读线索可能消除（分开后户籍与学籍不再属于同一人），资助与控辍责任县随之改变"]
    # two records of the school list: the registration stays with the person
    assert assess_item(True, [side("P1", source="xueji", **facts), side("P1", source="xueji", **facts)], None)[1] == []


def test_the_runs_queue_line_says_what_was_left_to_the_threshold() -> None:
    assert queue_line(QueueAssessment(3), 3) == (
        "待核身份冲突 3 处：决定后会改变问题线索、案件、资助或责任县，需人工核实（notoneless reviews list）")
    assert "另 71 处决定后不改变任何线索、案件或资助，已按阈值自动判定" in queue_line(QueueAssessment(3), 74)
    line = queue_line(QueueAssessment(3, ids_agree=20), 74)
    assert "另 20 处双方身份证号有效且不同，与阈值的判定一致" in line and "另 51 处决定后不改变" in line


TWIN_A, TWIN_B = "431202201203050012", "431202201203050039"  # twins: the sequence digits differ


def test_two_valid_numbers_say_two_persons_unless_one_slip_apart() -> None:
    def person(*ids: str, name: str = "张伟") -> dict:
        return {"ids": list(ids), "names": [name]}

    assert ids_differ(person(TWIN_A), person(TWIN_B, name="张强"))
    assert not ids_differ(person(TWIN_A), person())  # one side has no valid number: nothing said
    assert not ids_differ(person(TWIN_A), person(TWIN_B, TWIN_A))  # one number shared
    assert not ids_differ(person(TWIN_A), person("431202201203050013"))  # one substituted digit (a typo)
    assert not ids_differ(person(TWIN_A), person("431202201230050012"))  # two digits swapped
    # the bodies one digit apart (a typo whose check digit a system recomputed): one
    # person when the names agree, twins when they differ (guard.py's ID families)
    assert not ids_differ(person(TWIN_A), person(TWIN_B))
    assert ids_differ(person(TWIN_A), person(TWIN_B, name="张强"))


def test_a_merge_below_the_threshold_is_left_to_it_when_the_numbers_say_two_persons() -> None:
    paid = ["2025秋|义务教育家庭经济困难学生生活补助"]
    a = side("P1", enrolled=True, payments=paid, ids=[TWIN_A], names=["张伟"])
    b = side("P2", enrolled=True, payments=paid, ids=[TWIN_B], names=["张强"])
    verdict, lines = assess_item(False, [a, b], "2025秋")
    assert lines and auto_reason(["NEAR_THRESHOLD"], verdict, [a, b]) == IDS_AGREE
    item = {"consequence_verdict": verdict.value, "consequences": lines, "auto_reason": IDS_AGREE}
    assert describe(item).endswith(f"（{IDS_AGREE}）")
    # the guard cut a link the model made: the evidence conflicts, an officer looks
    assert auto_reason(["GUARD_SPLIT_DIFFERENT_IDS"], verdict, [a, b]) is None
    assert auto_reason(["NEAR_THRESHOLD", "SAME_ID_DIFFERENT_NAMES"], verdict, [a, b]) is None
    # one side without a valid number, or numbers a typo apart: the threshold alone decided
    assert auto_reason(["NEAR_THRESHOLD"], verdict, [a, {**b, "ids": []}]) is None
    assert auto_reason(["NEAR_THRESHOLD"], verdict, [a, {**b, "ids": ["431202201203050021"]}]) is None
    # a split (the run said: one person) is never settled by the numbers
    assert auto_reason(["NEAR_THRESHOLD"], Verdict.DIFFERENT, [a, b]) is None
