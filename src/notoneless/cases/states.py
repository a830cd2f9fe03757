"""The vocabulary of the case state machines: the states (``State``), the actions
(``Action``) with their Chinese labels, the detail keys officers record, and the
parsers that accept an action or detail key in Chinese or English. The tables of
transitions are in transitions.py; applying them is machine.py.
"""

from __future__ import annotations

from enum import StrEnum

from notoneless.errors import CaseError


class State(StrEnum):
    """Case states (value = what officers read)."""

    PENDING_VERIFICATION = "待核实"
    VERIFYING = "核实中"
    EXCLUDED = "排除"
    CONFIRMED_DROPOUT = "确认辍学"
    PERSUADING = "劝返中"
    RETURNED = "已复学"
    HOME_TEACHING = "送教上门"
    WRITTEN_NOTICE = "书面通知"
    JUDICIAL = "司法介入"
    PENDING = "待处理"
    PAID = "已补发"
    EXEMPTED = "不予补发"
    RECOVERED = "已追回"
    OFFSET = "已抵扣"
    NOT_DUPLICATE = "核实无重复"
    VERIFIED_ATTENDING = "核实在校"
    VERIFIED_ABSENT = "核实不在校"
    ASSIGNED = "已指派"
    VISITED = "已走访"
    PENDING_ACCEPTANCE = "待接收"  # handed to another county, awaiting its 接收 or 退回
    DATA_RESOLVED = "数据已消除·待确认销号"
    CLOSED = "销号"


class Action(StrEnum):
    """What an officer (or the reconciler) does to a case (value = English code)."""

    OPEN = "open"
    START_VERIFICATION = "start_verification"
    EXCLUDE = "exclude"
    CONFIRM_DROPOUT = "confirm_dropout"
    START_PERSUASION = "start_persuasion"
    RECORD_ATTEMPT = "record_attempt"
    RETURN_TO_SCHOOL = "return_to_school"
    HOME_TEACHING = "home_teaching"
    WRITTEN_NOTICE = "written_notice"
    JUDICIAL = "judicial"
    PAY = "pay"
    EXEMPT = "exempt"
    RECOVER = "recover"
    OFFSET = "offset"
    NOT_DUPLICATE = "not_duplicate"
    VERIFY_ATTENDING = "verify_attending"
    VERIFY_ABSENT = "verify_absent"
    ASSIGN = "assign"
    VISIT = "visit"
    CLOSE = "close"
    DATA_RESOLVED = "data_resolved"
    DATA_REAPPEARED = "data_reappeared"
    RESUME = "resume"
    CONFIRM_CLOSE = "confirm_close"
    REOPEN = "reopen"
    MERGE_PERSON = "merge_person"
    SPLIT_PERSON = "split_person"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    RETURN_CASE = "return_case"


ACTION_LABELS: dict[Action, str] = {
    Action.OPEN: "立案",
    Action.START_VERIFICATION: "开始核实",
    Action.EXCLUDE: "排除",
    Action.CONFIRM_DROPOUT: "确认辍学",
    Action.START_PERSUASION: "开始劝返",
    Action.RECORD_ATTEMPT: "记录劝返",
    Action.RETURN_TO_SCHOOL: "复学",
    Action.HOME_TEACHING: "送教上门",
    Action.WRITTEN_NOTICE: "书面通知",
    Action.JUDICIAL: "司法介入",
    Action.PAY: "补发",
    Action.EXEMPT: "不予补发",
    Action.RECOVER: "追回",
    Action.OFFSET: "抵扣",
    Action.NOT_DUPLICATE: "核实无重复",
    Action.VERIFY_ATTENDING: "核实在校",
    Action.VERIFY_ABSENT: "核实不在校",
    Action.ASSIGN: "指派联系人",
    Action.VISIT: "补走访",
    Action.CLOSE: "销号",
    Action.DATA_RESOLVED: "数据已消除",
    Action.DATA_REAPPEARED: "数据再现",
    Action.RESUME: "恢复办理",
    Action.CONFIRM_CLOSE: "确认销号",
    Action.REOPEN: "重新打开",
    Action.MERGE_PERSON: "人员合并",
    Action.SPLIT_PERSON: "人员拆分",
    Action.TRANSFER: "转出",
    Action.ACCEPT: "接收",
    Action.RETURN_CASE: "退回",
}

DETAIL_LABELS: dict[str, str] = {
    "school_leader": "校领导",
    "teacher": "教师",
    "village_cadre": "村干部",
    "date": "日期",
    "who": "人员",
    "method": "方式",
    "outcome": "结果",
    "amount": "金额",
    "contact_id": "联系人编号",
    "old_person_id": "原人员编号",
    "new_person_id": "新人员编号",
    "from_county": "原责任县",
    "to_county": "新责任县",
}
_DETAIL_BY_TEXT = {**{k: k for k in DETAIL_LABELS}, **{v: k for k, v in DETAIL_LABELS.items()}}


def parse_action(text: str) -> Action:
    t = text.strip()
    for a, label in ACTION_LABELS.items():
        if t in (a.value, label):
            return a
    raise CaseError(
        f"操作「{text}」不存在。可用操作：{'、'.join(f'{lbl}({a.value})' for a, lbl in ACTION_LABELS.items())}",
        code="CASE_ACTION_UNKNOWN",
    )


def parse_detail_key(text: str) -> str:
    key = _DETAIL_BY_TEXT.get(text.strip())
    if key is None:
        raise CaseError(f"明细项「{text}」不认识。可用：{'、'.join(f'{v}({k})' for k, v in DETAIL_LABELS.items())}")
    return key
