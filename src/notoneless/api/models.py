"""Response and request bodies of the API (pydantic), as published in ``api/openapi.json``."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from notoneless.cases.reasons import EVIDENCE_KIND_TEXTS
from notoneless.cases.states import ACTION_LABELS

T = TypeVar("T")

_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _rfc3339_text(value: Any) -> Any:
    # pydantic also reads a number as seconds since 1970 ("0.5"): the schema says date-time
    if isinstance(value, str) and not _RFC3339.fullmatch(value):
        raise ValueError("须为带时区的 ISO 8601 时间，如 2025-10-20T08:00:00+08:00")
    return value


def _iso_date_text(value: Any) -> Any:
    # the same for a date: a number is no date, whatever pydantic makes of it
    if not isinstance(value, date) and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        raise ValueError("须为日期 YYYY-MM-DD，如 2025-11-30")
    return value


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer: 3 and 3.0 (what lax pydantic takes), not "3" or true (what it also takes)
    if isinstance(value, bool | str):
        raise ValueError("须为整数")  # noqa: TRY004 — pydantic makes a ValueError, not a TypeError, a 422
    return value


# A point in time (``format: date-time``): RFC 3339 with its offset, nothing else.
Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]
# A date (``format: date``): YYYY-MM-DD, nothing else.
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


class DecisionVerdict(StrEnum):
    """same 同一人, different 不同人, defer 暂缓（由模型判定）."""

    same = "same"
    different = "different"
    defer = "defer"


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Me(BaseModel):
    name: str
    user_id: str = Field(description="用户编号（重新签发令牌不变；审计记录中的 user_id）")
    role: str
    division: str
    can_act: bool
    can_reveal: bool


class Run(BaseModel):
    run_id: str
    name: str | None = None
    province_code: str | None = None
    term: str | None = None
    reference_date: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    records: int | None = None
    persons: int | None = None
    rejects: int | None = None
    findings: int | None = None
    summary: dict[str, Any] | None = None


class PersonSummary(BaseModel):
    person_id: str
    name: str | None = None
    sex: str | None = None
    birth_date: str | None = None
    id_number: str | None = None
    record_count: int | None = None
    sources: list[str] = Field(default_factory=list)
    village: str | None = None
    registration_county: str | None = None
    school_county: str | None = None


class PersonHit(BaseModel):
    score: int
    matched: str = Field(description="命中依据: id_number, xueji_no, record_id_number, id_repair_candidate, name, "
                                     "record_name, pinyin, pinyin_prefix, name_prefix")
    person: PersonSummary


class PersonSearch(PageOf[PersonHit]):
    query_kind: str = Field(description="查询被识别为: id_number, xueji_no, name, pinyin")


class PersonStatus(BaseModel):
    compulsory_age: bool | None = None
    enrolled: bool | None = None
    studying: bool | None = None
    unmatched: bool | None = None
    target: bool | None = None
    fupin: bool | None = None
    dibao: bool | None = None
    tekun: bool | None = None
    disabled: bool | None = None
    excluded: bool | None = None
    study_county: str | None = None


class PersonDetail(BaseModel):
    person: PersonSummary
    status: PersonStatus
    records: list[dict[str, Any]]
    revealed: bool = Field(description="true: 完整号码（已记入审计）; false: 号码已遮蔽")


class ContactDuty(BaseModel):
    contact_id: str
    name: str | None = None
    phone: str | None = None
    unit: str | None = None
    contact_status: str | None = None
    duty_type: str | None = None
    duty_status: str | None = None
    target: str | None = None
    row_key: str | None = None


class Finding(BaseModel):
    key: str
    kind: str
    label: str | None = None
    person_id: str | None = None
    division_code: str | None = None
    active: bool | None = None
    run_id: str | None = None
    first_run_id: str | None = None
    row: dict[str, str] = Field(default_factory=dict, description="合同规定的列与值 (the contract's columns)")


class FindingKindCount(BaseModel):
    kind: str
    label: str | None = None
    findings: int


class CaseSummary(BaseModel):
    case_id: str
    case_type: str
    type_label: str | None = None
    state: str
    title: str | None = None
    version: int | None = None
    person_id: str | None = None
    name: str | None = None
    subject: str | None = None
    responsible_county: str | None = None
    responsible_town: str | None = None
    responsible_village: str | None = None
    responsible_school: str | None = None
    transfer_from: str | None = None  # 待接收: the county that handed the case over (it reads, the new one acts)
    deadline: str | None = None
    days_left: int | None = None  # 剩余天数 to the deadline (negative: overdue; null once 销号)
    opened_at: str | None = None
    updated_at: str | None = None
    change: str | None = None  # what the run (run_id; the latest by default) did to the case: new, reopened …
    change_label: str | None = None
    change_reason: str | None = None
    unowned: bool | None = None  # 无人负责: no enabled 县级数据员 holds the responsible county (the lists say it)


class TrailContact(BaseModel):
    contact_id: str
    name: str | None = None
    phone: str | None = None
    unit: str | None = None
    type: str | None = Field(default=None, description="包保类型: 包村/包户/包人")
    status: str | None = None
    via: str | None = Field(default=None, description="经由: 本人、户 <户键>、村 <区划代码>")
    target: str | None = None


class TrailVisit(BaseModel):
    key: str
    date: str | None = None
    method: str | None = None
    contact_id: str | None = None
    via: str | None = None


class TrailAssignment(BaseModel):
    """An officer's 三包 assignment event concerning the person (the assignments of trail.cypher)."""

    assignment_id: str
    action: str = Field(description="assign 指派 / release 解除")
    contact_id: str
    duty_type: str = Field(description="包村/包户/包人")
    target: str
    made_by: str
    made_at: str
    note: str | None = None
    batch_id: str | None = None
    via: str | None = Field(default=None, description="经由: 本人、户 <户键>、村 <区划代码>")

class IdentityDecision(BaseModel):
    """An officer's identity decision (身份判定): immutable; withdrawn only by another decision."""

    decision_id: str
    verdict: str = Field(description="same 同一人 / different 不同人 / defer 暂缓 / withdraw 撤回")
    verdict_label: str
    decided_by: str
    decided_at: str
    role: str | None = None
    record_key_a: str | None = None
    record_key_b: str | None = None
    person_id_a: str | None = Field(default=None, description="判定时的人员编号")
    person_id_b: str | None = None
    note: str | None = None
    withdraws: str | None = Field(default=None, description="撤回的判定编号（verdict 为 withdraw 时）")
    division_codes: list[str] = Field(default_factory=list)
    standing: str | None = Field(default=None, description="现状：有效、暂缓（由模型判定）、已撤回、已被后来的判定取代、撤回记录")
    run_status: str | None = Field(default=None, description="最近一次运行：applied 已执行 / vanished 记录已不在数据中 / contradicted 矛盾")
    run_status_label: str | None = None
    run_id: str | None = None


class Trail(BaseModel):
    """What ``notoneless trail`` shows (queries/trail.cypher), plus the person's cases."""

    person: dict[str, Any] = Field(description="人员及其状态（义务教育年龄、在籍、疑似失学、三包对象…）")
    records: list[dict[str, Any]] = Field(description="各系统源记录，含登记地、学校、户、发放县")
    contacts: list[TrailContact]
    assignments: list[TrailAssignment] = Field(default_factory=list, description="系统内三包指派、解除记录")
    visits: list[TrailVisit]
    findings: list[Finding]
    cases: list[CaseSummary]
    decisions: list[IdentityDecision] = Field(default_factory=list, description="关于此人记录的身份判定（含撤回）")


class CaseEvent(BaseModel):
    event_id: str
    seq: int
    at: str
    by: str
    action: str
    action_label: str
    from_state: str | None = None
    to_state: str
    reason_code: str | None = None
    evidence: list[str] = Field(default_factory=list, description="佐证材料引用: 种类=编号")
    note: str | None = None
    deadline: str | None = None
    details: dict[str, str] = Field(default_factory=dict)
    run_id: str | None = None


class AllowedAction(BaseModel):
    action: str
    label: str
    target: str
    reasons: list[str] = Field(default_factory=list)
    evidence: str = Field(description="须提供的佐证 (evidence the step needs, besides the reason's own)")
    details: list[str] = Field(default_factory=list)
    note_required: bool = False
    deadline_required: bool = False


class CaseDetail(BaseModel):
    case: CaseSummary
    reason_code: str | None = None
    finding: dict[str, str] = Field(default_factory=dict)
    events: list[CaseEvent]
    allowed: list[AllowedAction]


# What a case action may be called: its code or its Chinese label (cases.states.parse_action).
ACTION_TEXTS = tuple(t for a, label in ACTION_LABELS.items() for t in (a.value, label))
# An evidence reference as cases.reasons.parse_evidence reads it: a kind, ``=``, a
# reference that is not blank. A prefix pattern (JSON Schema patterns search; no ``$``,
# which Python and the Rust regex of pydantic read differently before a final newline).
# "Not blank" is spelled out: Python's str.strip() also strips \x1c–\x1f, which ``\s`` of
# the Rust regex does not match.
EVIDENCE_PATTERN = (r"^\s*(?:" + "|".join(re.escape(t) for t in sorted(EVIDENCE_KIND_TEXTS, key=len, reverse=True))
                    + r")\s*=\s*[^\s\x1c-\x1f]")


class TransitionRequest(BaseModel):
    """One officer action on a case (cases/machine.py: the action's code or Chinese label).
    JSON types as the schema says them: no number for a date, no "1" or 1.0 for 1."""

    model_config = ConfigDict(extra="forbid")

    action: Literal[ACTION_TEXTS] = Field(examples=["start_verification"],  # type: ignore[valid-type]
                                          description="操作：代码或中文名称，如 start_verification 或 开始核实")
    reason: str | None = Field(default=None, max_length=20, examples=["B2"])
    evidence: list[Annotated[str, Field(max_length=500, pattern=EVIDENCE_PATTERN)]] = Field(
        default_factory=list, max_length=20, examples=[["xueji_no=G430123201001011234"]],
        description="佐证材料引用：种类=编号（种类用代码或中文名称，如 学籍号=G430123201001011234）")
    note: str | None = Field(default=None, max_length=2000)
    deadline: IsoDate | None = None
    details: dict[str, str] = Field(default_factory=dict, max_length=20)
    expected_version: Annotated[int, Field(ge=1), BeforeValidator(_json_integer)] | None = Field(default=None, description="您看到的案件版本；他人已更新则返回 409")


class VillageContacts(BaseModel):
    code: str
    name: str | None = None
    level: str | None = None
    village_contacts: list[ContactDuty]
    household_contacts: list[ContactDuty]
    person_contacts: list[ContactDuty]


class ExplanationRow(BaseModel):
    comparison: str
    level: str
    value_a: str
    value_b: str
    match_weight: float
    verdict: str = Field(default="", description="这一项的判定（白话）：如「身份证号：纠错后一致——第 17、18 位对调」")
    note: str = Field(default="", description="补充说明（白话），如「这个名字很常见，同名不足以说明是同一人」")
    strength: str = Field(default="", description="分量（白话）：如「强烈支持是同一人」「略说明不是同一人」")
    bar: int = Field(default=0, ge=0, le=10, description="分量条的长度 0–10（方向见 match_weight 的正负）")


class Explanation(BaseModel):
    key_a: str
    key_b: str
    rows: list[ExplanationRow]
    match_weight: float
    match_probability: float
    person_a: str | None = None
    person_b: str | None = None
    same_person: bool | None = None
    decision: str
    summary: str = Field(default="", description="综合各项的把握（白话）")
    notes: list[str] = Field(default_factory=list)


class AuditEvent(BaseModel):
    event_id: str
    action: str = Field(description="种类：trail_read、person_read、reveal、person_search、pair_explain、review_read、"
                                    "case_read、ledger_export、roster_reveal、identity_decision…（docs/api.md）")
    by: str = Field(description="用户名")
    user_id: str | None = Field(default=None, description="用户编号")
    role: str | None = None
    division: str | None = None
    person_id: str | None = None
    person_ids: list[str] = Field(default_factory=list, description="涉及的人员（查找、比对解释可涉及多人）")
    fields: list[str] = Field(default_factory=list)
    target: str | None = Field(default=None, description="所读的其他内容：记录对、冲突编号、案件编号、查询（已遮蔽）")
    source: str | None = Field(default=None, description="来源：客户端地址，或命令行 cli:<用户>@<主机>")
    at: str | None = None
    decision_id: str | None = Field(default=None, description="身份判定编号（action 为 identity_decision 时）")
    assignment_id: str | None = Field(
        default=None, description="三包指派记录编号（action 为 contact_assign / contact_release 时）")
    town: str | None = Field(default=None, description="乡镇区划代码（action 为 roster_reveal：下载完整手机号的三包花名册）")


class Health(BaseModel):
    status: str


class ReviewItem(BaseModel):
    """One identity conflict of the latest run awaiting an officer's decision (待核身份冲突)."""

    review_id: str
    run_id: str
    codes: list[str] = Field(description="冲突代码: GUARD_SPLIT_DIFFERENT_IDS, TWO_VALID_IDS_ONE_PERSON, SAME_ID_DIFFERENT_NAMES, NEAR_THRESHOLD …")
    labels: list[str] = Field(description="冲突类型（中文）")
    reasons: list[str] = Field(default_factory=list, description="说明（中文）")
    match_weight: float | None = None
    match_probability: float | None = None
    record_key_a: str
    record_key_b: str
    person_id_a: str | None = None
    person_id_b: str | None = None
    counties: list[str] = Field(default_factory=list)
    same_person: bool | None = Field(default=None, description="本次运行是否判为同一人")
    importance: int = Field(default=0, description="重要性：决定后会改变问题线索、案件或资助 4 + 三包对象 2 + 资助发放 1")
    importance_reasons: list[str] = Field(default_factory=list)
    decided: str | None = Field(default=None, description="已有的有效判定（same/different），为空则待核")
    consequence_verdict: str | None = Field(
        default=None, description="与本次运行结果相反、会带来改变的判定（same：合为一人；different：分开）")
    consequences: list[str] = Field(default_factory=list, description="作出该判定后会改变什么（白话，空：不改变）")
    consequence: str = Field(default="", description="一句话：决定后会改变什么，如「决定为同一人后：1 名儿童不再列为疑似辍学」")
    queued: bool | None = Field(default=None, description="是否需人工核实（决定后有改变）；false：已按阈值自动判定；空：尚未评估（视为需核实）")
    auto_reason: str | None = Field(
        default=None, description="决定后虽有改变却未排入待核的原因，如双方身份证号有效且不同、与阈值的判定一致；空：无")


class ReviewDetail(BaseModel):
    """A review item with both records side by side, the match weights explained, the decisions on the pair."""

    review: ReviewItem
    records: list[dict[str, Any]] = Field(description="两条源记录（号码已遮蔽），side 为 a / b")
    explanation: Explanation | None = None
    explanation_error: str | None = Field(default=None, description="无法给出解释时的原因（如正在运行比对）")
    decisions: list[IdentityDecision] = Field(default_factory=list)


class DecisionRequest(BaseModel):
    """A decision on two records of the latest run (both in the caller's scope)."""

    model_config = ConfigDict(extra="forbid")

    record_key_a: str = Field(pattern=r"^[a-z]+:[0-9]+$", max_length=40, examples=["hukou:5"])
    record_key_b: str = Field(pattern=r"^[a-z]+:[0-9]+$", max_length=40, examples=["xueji:17"])
    verdict: DecisionVerdict
    note: str | None = Field(default=None, max_length=500, examples=["户籍与学籍为同一儿童"])


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=500, examples=["核实后为两人"])
