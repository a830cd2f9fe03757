"""Reason codes of the ledger and the evidence each one needs.

The dropout categories are the Quanzhou notice's appendix 控辍保学人口类型说明
(泉教计〔2019〕43号, in ``shared/seeds/``):

- A 类 需要劝返 (must be persuaded back): A1–A8 — confirming a dropout needs one.
- B 类 不需要劝返 (no persuasion, evidence required): B1–B10 — excluding a suspected
  child needs one *and* the evidence its row of the appendix names (佐证材料要求).

The subsidy reasons (S*) are the assessment exemptions of the Hunan notice
(``seeds/000``): a guardian's written refusal, a child newly registered as poor
after the comparison, or a child not eligible / already paid where they study.

Evidence is referred to, not stored: an officer gives ``kind=reference`` pairs
(``学籍号=G430...``, ``公安证明=档案 2025-118``); the kinds below are what the rules
check. A kind may be written by its English code or its Chinese label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from notoneless.errors import CaseError


class EvidenceKind(StrEnum):
    """Kinds of evidence an officer can refer to (value = English code)."""

    POLICE_CERTIFICATE = "police_certificate"
    XUEJI_NO = "xueji_no"
    XUEJI_PROVINCE = "xueji_province"
    SCHOOL_NAME = "school_name"
    XUEJI_QUERY = "xueji_query"
    DEFERRAL_CERTIFICATE = "deferral_certificate"
    BIRTH_CERTIFICATE = "birth_certificate"
    GRADUATION_CERTIFICATE = "graduation_certificate"
    DISABILITY_CERTIFICATE = "disability_certificate"
    DISABILITY_ASSESSMENT = "disability_assessment"
    VOCATIONAL_PROOF = "vocational_proof"
    PASSPORT = "passport"
    VISA = "visa"
    HOME_TEACHING_PLAN = "home_teaching_plan"
    RETURN_NOTICE = "return_notice"
    JUDICIAL_DOCUMENT = "judicial_document"
    PAYMENT_RECORD = "payment_record"
    REFUND_RECORD = "refund_record"
    OFFSET_RECORD = "offset_record"
    GUARDIAN_STATEMENT = "guardian_statement"
    POVERTY_RECOGNITION = "poverty_recognition"
    SUBSIDY_PROOF = "subsidy_proof"
    ATTENDANCE_CHECK = "attendance_check"
    ASSIGNMENT = "assignment"
    VISIT_RECORD = "visit_record"
    COMPARISON_RUN = "comparison_run"  # a run in which the finding disappeared (bulk 确认销号)
    OTHER = "other"


EVIDENCE_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.POLICE_CERTIFICATE: "公安证明",
    EvidenceKind.XUEJI_NO: "学籍号",
    EvidenceKind.XUEJI_PROVINCE: "学籍所在省",
    EvidenceKind.SCHOOL_NAME: "学校名称",
    EvidenceKind.XUEJI_QUERY: "学籍系统查询记录",
    EvidenceKind.DEFERRAL_CERTIFICATE: "缓学证明",
    EvidenceKind.BIRTH_CERTIFICATE: "出生医学证明",
    EvidenceKind.GRADUATION_CERTIFICATE: "毕业证书",
    EvidenceKind.DISABILITY_CERTIFICATE: "残疾证",
    EvidenceKind.DISABILITY_ASSESSMENT: "残联鉴定",
    EvidenceKind.VOCATIONAL_PROOF: "中职就读证明",
    EvidenceKind.PASSPORT: "护照",
    EvidenceKind.VISA: "签证",
    EvidenceKind.HOME_TEACHING_PLAN: "送教上门方案",
    EvidenceKind.RETURN_NOTICE: "复学通知书",
    EvidenceKind.JUDICIAL_DOCUMENT: "司法文书",
    EvidenceKind.PAYMENT_RECORD: "发放凭证",
    EvidenceKind.REFUND_RECORD: "退款凭证",
    EvidenceKind.OFFSET_RECORD: "抵扣凭证",
    EvidenceKind.GUARDIAN_STATEMENT: "监护人书面声明",
    EvidenceKind.POVERTY_RECOGNITION: "新认定文件",
    EvidenceKind.SUBSIDY_PROOF: "就读地资助证明",
    EvidenceKind.ATTENDANCE_CHECK: "在校核实记录",
    EvidenceKind.ASSIGNMENT: "指派文件",
    EvidenceKind.VISIT_RECORD: "走访记录",
    EvidenceKind.COMPARISON_RUN: "比对运行记录",
    EvidenceKind.OTHER: "其他材料",
}

_KIND_BY_TEXT: dict[str, EvidenceKind] = {
    **{k.value: k for k in EvidenceKind},
    **{label: k for k, label in EVIDENCE_LABELS.items()},
    "护照签证": EvidenceKind.PASSPORT,
    "户籍证明": EvidenceKind.POLICE_CERTIFICATE,
    "公安户籍证明": EvidenceKind.POLICE_CERTIFICATE,
    "残疾人证": EvidenceKind.DISABILITY_CERTIFICATE,
}
# Every text that names a kind of evidence (codes, labels, synonyms): what the API's schema lists.
EVIDENCE_KIND_TEXTS: tuple[str, ...] = tuple(_KIND_BY_TEXT)


@dataclass(frozen=True)
class Evidence:
    """One evidence reference: its kind and where to find it (a number, a file, an archive ref)."""

    kind: EvidenceKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind.value}={self.ref}"

    @property
    def label(self) -> str:
        return f"{EVIDENCE_LABELS[self.kind]}={self.ref}"


def parse_evidence(text: str) -> Evidence:
    """Parse ``kind=reference`` (kind as English code or Chinese label; ``:`` and ``：`` work too)."""
    raw = text.strip()
    for sep in ("=", "＝", ":", "："):
        if sep in raw:
            kind_text, ref = raw.split(sep, 1)
            break
    else:
        raise CaseError(
            f"佐证材料「{text}」格式不对：请写成 种类=编号，例如 学籍号=G430123201001011234 或 公安证明=档案2025-118。"
            f"可用种类：{'、'.join(EVIDENCE_LABELS.values())}",
            code="CASE_EVIDENCE_FORMAT",
        )
    kind = _KIND_BY_TEXT.get(kind_text.strip()) or _KIND_BY_TEXT.get(kind_text.strip().lower())
    if kind is None:
        raise CaseError(
            f"佐证材料种类「{kind_text.strip()}」不认识。可用种类：{'、'.join(EVIDENCE_LABELS.values())}",
            code="CASE_EVIDENCE_KIND",
        )
    if not ref.strip():
        raise CaseError(f"佐证材料「{text}」没有编号或存放位置：请写在 = 后面。", code="CASE_EVIDENCE_FORMAT")
    return Evidence(kind, ref.strip())


@dataclass(frozen=True)
class EvidenceRule:
    """All of ``groups`` must be met; a group is met by any one of its kinds."""

    groups: tuple[frozenset[EvidenceKind], ...] = ()

    def missing(self, evidence: list[Evidence] | tuple[Evidence, ...]) -> list[frozenset[EvidenceKind]]:
        have = {e.kind for e in evidence}
        return [g for g in self.groups if not (g & have)]

    def describe(self) -> str:
        if not self.groups:
            return "无"
        parts = []
        for g in self.groups:
            if g == ANY_KIND:
                parts.append(ANY_KIND_TEXT)
                continue
            labels = sorted(EVIDENCE_LABELS[k] for k in g)
            parts.append(labels[0] if len(labels) == 1 else "（" + "或".join(labels) + "）")
        return "、".join(parts)


# A rule group that any kind meets (确认销号): named as such, not as the list of every kind.
ANY_KIND = frozenset(EvidenceKind)
ANY_KIND_TEXT = "任一佐证材料（如 比对运行记录=运行编号、走访记录=…、其他材料=…）"


def _rule(*groups: EvidenceKind | tuple[EvidenceKind, ...]) -> EvidenceRule:
    return EvidenceRule(tuple(frozenset(g if isinstance(g, tuple) else (g,)) for g in groups))


class ReasonClass(StrEnum):
    A = "A"  # 需要劝返
    B = "B"  # 不需要劝返
    S = "S"  # subsidy exemptions


@dataclass(frozen=True)
class Reason:
    code: str
    cls: ReasonClass
    label: str  # Chinese, as in the notice
    label_en: str
    explanation: str  # the notice's 指标补充解释 / 填报说明
    evidence: EvidenceRule = EvidenceRule()
    note_required: bool = False

    @property
    def display(self) -> str:
        return f"{self.code} {self.label}"


_E = EvidenceKind
_AGE_PROOF = (_E.POLICE_CERTIFICATE, _E.BIRTH_CERTIFICATE)

REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        # --- A 类: 需要劝返 ------------------------------------------------------------
        Reason("A1", ReasonClass.A, "打工务农", "working or farming", ""),
        Reason("A2", ReasonClass.A, "厌学辍学", "weary of school", ""),
        Reason(
            "A3",
            ReasonClass.A,
            "因病因残",
            "illness or disability, able to learn",
            "含经评估后应接受义务教育的残疾儿童、因病暂未入学但身体恢复后应入学的适龄儿童等",
        ),
        Reason("A4", ReasonClass.A, "在家上学", "home-schooling or private classes", "含私塾、国学班等情形"),
        Reason("A5", ReasonClass.A, "入寺入教", "religious institution", ""),
        Reason("A6", ReasonClass.A, "早婚辍学", "early marriage", ""),
        Reason("A7", ReasonClass.A, "扶贫异地搬迁", "relocation for poverty alleviation", "因搬迁导致未及时入学"),
        Reason("A8", ReasonClass.A, "其他原因", "other", "需在备注栏中说明具体原因", note_required=True),
        # --- B 类: 不需要劝返, 佐证材料 -------------------------------------------------
        Reason(
            "B1",
            ReasonClass.B,
            "户籍原因",
            "registry problem (no such person, duplicate, dead, moved out, wrong ID)",
            "含查无此人、户籍重复、死亡、迁出注销、身份证登记错误等；由公安户籍部门出具证明",
            _rule(_E.POLICE_CERTIFICATE),
        ),
        Reason(
            "B2",
            ReasonClass.B,
            "在校有学籍",
            "already has a student record",
            "比对时间节点后新入学或新注册学籍；通过学籍系统查询后，填写学籍号、学籍所在省和学校名称",
            _rule(_E.XUEJI_NO, _E.XUEJI_PROVINCE, _E.SCHOOL_NAME),
        ),
        Reason(
            "B3",
            ReasonClass.B,
            "省内就读无学籍",
            "studying in the province without a record",
            "符合学校接收条件的，立即注册学籍，未注册学籍的一律归A类填报",
            _rule(_E.SCHOOL_NAME, _E.XUEJI_NO),
        ),
        Reason(
            "B4",
            ReasonClass.B,
            "省外就读无学籍",
            "studying outside the province without a record",
            "通过学籍系统查询，未注册学籍的一律归A类填报",
            _rule(_E.SCHOOL_NAME, _E.XUEJI_PROVINCE, _E.XUEJI_QUERY),
        ),
        Reason(
            "B5",
            ReasonClass.B,
            "延缓入学",
            "deferred entry",
            "含因身体等原因延缓入学、目前仍在幼儿园就读或实际年龄不足6周岁等情形；缓学证明或能证明实际年龄的证明材料",
            _rule((_E.DEFERRAL_CERTIFICATE, *_AGE_PROOF)),
        ),
        Reason(
            "B6",
            ReasonClass.B,
            "超龄离校",
            "over age (16+) or graduated",
            "实际年龄16周岁及以上或已毕业；年龄证明材料或毕业证书",
            _rule((*_AGE_PROOF, _E.GRADUATION_CERTIFICATE)),
        ),
        Reason(
            "B7",
            ReasonClass.B,
            "重病重残",
            "severe illness or disability, unable to learn",
            "因身体等原因不具备学习能力；残疾证或残联等部门出具的鉴定",
            _rule((_E.DISABILITY_CERTIFICATE, _E.DISABILITY_ASSESSMENT)),
        ),
        Reason("B8", ReasonClass.B, "中职就读", "in secondary vocational school", "提供中职学校就读证明", _rule(_E.VOCATIONAL_PROOF)),
        Reason(
            "B9",
            ReasonClass.B,
            "失踪失联",
            "missing",
            "由公安部门界定，从严掌握；提供公安部门出具的证明材料",
            _rule(_E.POLICE_CERTIFICATE),
        ),
        Reason("B10", ReasonClass.B, "出国在外", "abroad", "护照和签证", _rule(_E.PASSPORT, _E.VISA)),
        # --- S: 资助类免责/不予补发 --------------------------------------------------------
        Reason(
            "S1",
            ReasonClass.S,
            "监护人拒领或自愿放弃",
            "guardian refused the subsidy in writing",
            "由被考核方提供证明材料并与学生监护人核实一致",
            _rule(_E.GUARDIAN_STATEMENT),
        ),
        Reason(
            "S2",
            ReasonClass.S,
            "比对后新认定",
            "newly registered as poor after the comparison",
            "本学期信息比对核查完成之后新认定的，发放时间可酌情放宽",
            _rule(_E.POVERTY_RECOGNITION),
        ),
        Reason(
            "S3",
            ReasonClass.S,
            "已在就读地资助",
            "already subsidised where the child studies",
            "出省就学的，核实未在就读地享受资助后由户籍地发放",
            _rule(_E.SUBSIDY_PROOF),
        ),
        Reason("S4", ReasonClass.S, "不符合资助条件", "not eligible", "需在备注栏中说明具体原因", note_required=True),
    )
}

A_REASONS = frozenset(c for c, r in REASONS.items() if r.cls is ReasonClass.A)
B_REASONS = frozenset(c for c, r in REASONS.items() if r.cls is ReasonClass.B)
S_REASONS = frozenset(c for c, r in REASONS.items() if r.cls is ReasonClass.S)


# --- how long a closure's reason holds ---------------------------------------------
#
# A child excluded with B2 (studying elsewhere, 学籍号 given) is still absent from the
# next month's 学籍 extract, so the finding recurs every month. While the reason holds,
# the closed case stays closed and the run notes it as still seen; when the reason's time
# is up, or the data contradicts it, the run reopens the case with an event saying why.


class Holds(StrEnum):
    SCHOOL_YEAR = "school_year"  # until the end (8月31日) of the school year it was recorded in
    DEFERRAL = "deferral"  # until the date in its evidence (缓学证明=…至2026-09-01), else as SCHOOL_YEAR
    PERMANENT = "permanent"  # for the case's life
    UNTIL_CONTRADICTED = "until_contradicted"  # until a finding column it rests on changes


@dataclass(frozen=True)
class Validity:
    holds: Holds
    contradicted_by: tuple[str, ...] = ()  # finding columns whose change contradicts the reason
    why: str = ""  # for officers: why it holds that long

    def describe(self) -> str:
        return {
            Holds.SCHOOL_YEAR: "至记录时所在学年结束（8月31日），每年秋季学期重新核实",
            Holds.DEFERRAL: "至佐证中的缓学截止日期（无日期则至学年结束）",
            Holds.PERMANENT: "长期有效",
            Holds.UNTIL_CONTRADICTED: f"至比对数据与之不符（{'、'.join(self.contradicted_by)}变化）",
        }[self.holds]


_SCHOOL_YEAR = Validity(Holds.SCHOOL_YEAR, why="就读情况逐学年变化")
# One table, beside the reasons it is about. S reasons and 核实无重复 belong to subsidy
# cases whose key names the term (and the project): they hold for the case's life.
VALIDITY: dict[str, Validity] = {
    "B1": Validity(Holds.UNTIL_CONTRADICTED, ("户籍区划代码",), "户籍部门证明；户籍登记变化即不再成立"),
    "B2": _SCHOOL_YEAR,
    "B3": _SCHOOL_YEAR,
    "B4": _SCHOOL_YEAR,
    "B5": Validity(Holds.DEFERRAL, why="缓学有期限"),
    "B6": Validity(Holds.PERMANENT, why="超龄或已毕业不会改变"),
    "B7": Validity(Holds.UNTIL_CONTRADICTED, ("残疾",), "残联登记不再有该儿童时重新核实"),
    "B8": _SCHOOL_YEAR,
    "B9": Validity(Holds.UNTIL_CONTRADICTED, ("户籍区划代码",), "公安认定；户籍登记变化即不再成立"),
    "B10": _SCHOOL_YEAR,
    "S1": Validity(Holds.PERMANENT, why="案件只涉及一个学期"),
    "S2": Validity(Holds.PERMANENT, why="案件只涉及一个学期"),
    "S3": Validity(Holds.PERMANENT, why="案件只涉及一个学期"),
    "S4": Validity(Holds.PERMANENT, why="案件只涉及一个学期"),
}
NOT_DUPLICATE_VALIDITY = Validity(Holds.PERMANENT, why="案件只涉及一个学期、一个资助项目")

_DATE = re.compile(r"(20\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")


def school_year_end(day: date) -> date:
    """The last day (8月31日) of the school year ``day`` falls in (a year starts 9月1日)."""
    return date(day.year + (1 if day.month >= 9 else 0), 8, 31)


@dataclass(frozen=True)
class Hold:
    """Whether a closure's reason still holds this run, and the words for officers."""

    holds: bool
    until: date | None
    note: str


def closure_hold(
    validity: Validity,
    label: str,
    recorded: date,
    today: date,
    evidence: Iterable[str] = (),
    before: Mapping[str, str] | None = None,
    now: Mapping[str, str] | None = None,
) -> Hold:
    """Does a closure with ``validity`` (its reason's ``label``), recorded on ``recorded``,
    still hold on ``today``? ``evidence``: the reason's evidence refs (B5's date);
    ``before``/``now``: the finding's columns when last seen and in this run."""
    if validity.holds is Holds.UNTIL_CONTRADICTED:
        changed = [
            f"{col}：{(before or {}).get(col) or '空'} → {(now or {}).get(col) or '空'}"
            for col in validity.contradicted_by
            if before is not None and now is not None and (before.get(col) or "") != (now.get(col) or "")
        ]
        if changed:
            return Hold(False, None, f"比对数据与{label}不符（{'；'.join(changed)}）")
        return Hold(True, None, f"{label}，{validity.describe()}")
    if validity.holds is Holds.PERMANENT:
        return Hold(True, None, f"{label}，{validity.describe()}")
    until = school_year_end(recorded)
    if validity.holds is Holds.DEFERRAL:
        dates = [date(int(y), int(m), int(d)) for ref in evidence for y, m, d in _DATE.findall(ref)
                 if 1 <= int(m) <= 12 and 1 <= int(d) <= 31]
        until = max(dates) if dates else until
    if today <= until:
        return Hold(True, until, f"{label}，有效至 {until.isoformat()}")
    return Hold(False, until, f"{label}的有效期（至 {until.isoformat()}）已届满")


def get_reason(code: str) -> Reason:
    reason = REASONS.get(code.strip().upper())
    if reason is None:
        raise CaseError(
            f"原因代码「{code}」不存在。可用代码：{'、'.join(r.display for r in REASONS.values())}",
            code="CASE_REASON_UNKNOWN",
        )
    return reason


def check_reason(code: str, allowed: frozenset[str], evidence: list[Evidence] | tuple[Evidence, ...], note: str | None) -> Reason:
    """Check that ``code`` is one of ``allowed`` and that its evidence and note are given."""
    reason = get_reason(code)
    if reason.code not in allowed:
        options = "、".join(REASONS[c].display for c in sorted(allowed, key=_reason_order))
        raise CaseError(f"此操作不能用原因「{reason.display}」。可用原因：{options}", code="CASE_REASON_NOT_ALLOWED")
    missing = reason.evidence.missing(evidence)
    if missing:
        need = "、".join("或".join(sorted(EVIDENCE_LABELS[k] for k in g)) for g in missing)
        raise CaseError(
            f"原因「{reason.display}」缺少佐证材料：{need}（此原因需要：{reason.evidence.describe()}）。"
            "请用 --evidence 种类=编号 补充。",
            code="CASE_EVIDENCE_MISSING",
        )
    if reason.note_required and not (note and note.strip()):
        raise CaseError(f"原因「{reason.display}」需要在备注中说明具体原因：请用 --note 填写。", code="CASE_NOTE_MISSING")
    return reason


def _reason_order(code: str) -> tuple[str, int]:
    return code[0], int(code[1:])
