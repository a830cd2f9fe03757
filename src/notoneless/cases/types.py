"""Case types: what each finding kind of the contract (section 3) becomes in the ledger.

One case per child and duty (一生一案): a finding row is turned into a ``CaseDraft``
whose ``match_key`` names the duty — case type, subject (person_id, or the village
for a 包村 gap) and the key fields of the kind (term and project for subsidies...).
A later run's finding with the same key is the same case.

Responsibility follows the contract's attribution:

=================  ===============  ============================  ==========================
finding kind       case type        responsible county            deadline
=================  ===============  ============================  ==========================
unmatched_children 疑似失学辍学      责任县 (户籍地牵头)             opening + 30 days (月核实)
cross_county_...   跨县就读核实      核实责任县 (学籍地核实)          opening + 30 days
duplicate_...      重复资助          应发县                          term deadline, at least +30 d
missed_subsidies   漏助              责任县 (= 资助责任县)            end of May (春) / Nov (秋)
contact_gaps       三包缺位          county of 区划代码               opening + 30 days (月走访)
=================  ===============  ============================  ==========================

Rows are plain mappings with the contract's column names (the findings CSVs'
headers); optional extra columns ``学校标识码`` and ``区划代码`` refine the
responsible division where a check knows them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Mapping

from notoneless.errors import CaseError


class CaseType(StrEnum):
    DROPOUT = "dropout"  # 疑似失学辍学
    CROSS_COUNTY = "cross_county"  # 跨县就读核实
    DUPLICATE_SUBSIDY = "duplicate_subsidy"  # 重复资助
    MISSED_SUBSIDY = "missed_subsidy"  # 漏助
    CONTACT_GAP = "contact_gap"  # 三包缺位


@dataclass(frozen=True)
class CaseTypeSpec:
    case_type: CaseType
    label: str
    label_en: str
    finding_kind: str  # the findings file stem of the contract
    prefix: str  # case id prefix
    columns: tuple[str, ...]  # the contract's columns of the finding
    key_columns: tuple[str, ...]  # besides the subject, what tells two cases of one subject apart


CASE_TYPES: dict[CaseType, CaseTypeSpec] = {
    s.case_type: s
    for s in (
        CaseTypeSpec(
            CaseType.DROPOUT,
            "疑似失学辍学",
            "suspected out of school",
            "unmatched_children",
            "KB",
            ("person_id", "姓名", "身份证号", "出生日期", "户籍区划代码", "责任县", "建档立卡", "低保特困", "残疾"),
            (),
        ),
        CaseTypeSpec(
            CaseType.CROSS_COUNTY,
            "跨县就读核实",
            "cross-county student verification",
            "cross_county_students",
            "KX",
            ("person_id", "户籍县", "学籍县", "范围", "资助责任县", "核实责任县"),
            ("学籍县",),
        ),
        CaseTypeSpec(
            CaseType.DUPLICATE_SUBSIDY,
            "重复资助",
            "duplicate subsidy",
            "duplicate_subsidies",
            "CF",
            ("person_id", "学期", "资助项目", "笔数", "发放县", "应发县", "重复金额"),
            ("学期", "资助项目"),
        ),
        CaseTypeSpec(
            CaseType.MISSED_SUBSIDY,
            "漏助",
            "missed subsidy",
            "missed_subsidies",
            "LZ",
            ("person_id", "学期", "资格", "责任县"),
            ("学期",),
        ),
        CaseTypeSpec(
            CaseType.CONTACT_GAP,
            "三包缺位",
            "contact gap",
            "contact_gaps",
            "SB",
            ("类型", "对象", "区划代码", "联系人编号", "最近走访日期"),
            ("类型",),
        ),
    )
}

CASE_TYPE_BY_KIND: dict[str, CaseType] = {s.finding_kind: t for t, s in CASE_TYPES.items()}
FINDING_KINDS: tuple[str, ...] = tuple(CASE_TYPE_BY_KIND)

CONTACT_GAP_KINDS = ("包村缺位", "包户缺位", "包人缺位", "走访逾期")

# 按月核实 / 每月走访: the monthly rhythm the notices set for verification and visits.
MONTHLY = timedelta(days=30)


def parse_case_type(text: str) -> CaseType:
    """A case type from its English code, Chinese label or finding kind."""
    t = text.strip()
    for ct, spec in CASE_TYPES.items():
        if t in (ct.value, spec.label, spec.finding_kind):
            return ct
    raise CaseError(
        f"案件类型「{text}」不存在。可用类型：{'、'.join(f'{s.label}({t.value})' for t, s in CASE_TYPES.items())}",
        code="CASE_TYPE_UNKNOWN",
    )


_TERM_RE = re.compile(r"(\d{4})\D*?(春|秋)")


def term_deadline(term: str) -> date:
    """Payment deadline of a term: end of May for 春, end of November for 秋 (e.g. ``2025秋`` → 2025-11-30)."""
    m = _TERM_RE.search(term or "")
    if not m:
        raise CaseError(f"学期「{term}」无法识别：应为 YYYY春 或 YYYY秋，例如 2025秋。", code="CASE_TERM_FORMAT")
    year = int(m.group(1))
    return date(year, 5, 31) if m.group(2) == "春" else date(year, 11, 30)


def normalise_term(term: str) -> str:
    m = _TERM_RE.search(term or "")
    return f"{m.group(1)}{m.group(2)}" if m else (term or "").strip()


@dataclass(frozen=True)
class CaseDraft:
    """What a finding row says a case should be (before it meets the ledger)."""

    case_type: CaseType
    subject: str  # person_id, or the village code of a 包村 gap
    person_id: str | None
    key_fields: tuple[str, ...]
    responsible_county: str | None
    responsible_town: str | None
    responsible_village: str | None
    responsible_school: str | None
    deadline: date
    title: str
    finding: dict[str, str] = field(default_factory=dict)
    name: str | None = None  # the child's name, where the finding or the graph knows it

    @property
    def match_key(self) -> str:
        return match_key(self.case_type, self.subject, self.key_fields)

    def case_id(self, run_id: str) -> str:
        """Deterministic id: the same draft opened in the same run gets the same id (idempotent runs)."""
        digest = hashlib.sha1(f"{self.match_key}|{run_id}".encode()).hexdigest()[:10].upper()
        county = self.responsible_county or "000000"
        return f"{CASE_TYPES[self.case_type].prefix}-{county}-{digest}"

    def with_subject(self, subject: str) -> CaseDraft:
        """The same draft for a person now known under another id (a merge)."""
        from dataclasses import replace

        return replace(
            self,
            subject=subject,
            person_id=subject if self.person_id is not None else None,
        )


def match_key(case_type: CaseType | str, subject: str, key_fields: tuple[str, ...] | list[str]) -> str:
    return "|".join((str(CaseType(case_type).value), subject, *key_fields))


def split_match_key(key: str) -> tuple[CaseType, str, tuple[str, ...]]:
    parts = key.split("|")
    return CaseType(parts[0]), parts[1], tuple(parts[2:])


def _s(row: Mapping[str, Any], col: str) -> str:
    v = row.get(col)
    return "" if v is None else str(v).strip()


def _divisions(code: str) -> tuple[str | None, str | None, str | None]:
    """(county, town, village) prefixes of a division code (6, 9, 12 digits are 县, 乡, 村)."""
    code = code.strip()
    if not code.isdigit():
        return None, None, None
    county = code[:6] if len(code) >= 6 else None
    town = code[:9] if len(code) >= 9 else None
    village = code if len(code) == 12 else None
    return county, town, village


def draft_from_finding(
    kind: str, row: Mapping[str, Any], *, opened_on: date, names: Mapping[str, str] | None = None
) -> CaseDraft:
    """Turn one finding row (the contract's columns for ``kind``) into a ``CaseDraft``.
    ``names``: person_id → the child's name, for rows without a 姓名 column (三包缺位): the
    title reads ``包户缺位：张三（P000123）``."""
    ct = CASE_TYPE_BY_KIND.get(kind)
    if ct is None:
        raise CaseError(f"未知的比对结果种类「{kind}」：应为 {'、'.join(FINDING_KINDS)} 之一。", code="CASE_KIND_UNKNOWN")
    spec = CASE_TYPES[ct]
    finding = {k: _s(row, k) for k in row if row.get(k) is not None}
    monthly = opened_on + MONTHLY
    school = _s(row, "学校标识码") or None

    if ct is CaseType.CONTACT_GAP:
        gap = _s(row, "类型")
        obj = _s(row, "对象")
        if gap not in CONTACT_GAP_KINDS or not obj:
            raise CaseError(
                f"三包缺位结果行缺少类型或对象（类型={gap!r}, 对象={obj!r}）：类型应为 {'、'.join(CONTACT_GAP_KINDS)}。",
                code="CASE_FINDING_ROW",
            )
        county, town, village = _divisions(_s(row, "区划代码"))
        person_id = None if gap == "包村缺位" else obj
        if gap == "包村缺位":
            county, town, village = _divisions(obj) if county is None else (county, town, village)
        name = (names or {}).get(obj) if person_id else None
        title = f"{gap}：{name}（{obj}）" if name else f"{gap}：{obj}"
        return CaseDraft(ct, obj, person_id, (gap,), county, town, village, None, monthly, title, finding, name)

    person_id = _s(row, "person_id")
    if not person_id:
        raise CaseError(f"{spec.label}结果行没有 person_id：{dict(row)}", code="CASE_FINDING_ROW")

    if ct is CaseType.DROPOUT:
        county, town, village = _divisions(_s(row, "户籍区划代码"))
        county = _s(row, "责任县") or county
        name = _s(row, "姓名")
        flags = [lbl for col, lbl in (("建档立卡", "建档立卡"), ("低保特困", "低保特困"), ("残疾", "残疾")) if _truthy(_s(row, col))]
        title = f"{name or person_id} 疑似失学辍学" + (f"（{'、'.join(flags)}）" if flags else "")
        return CaseDraft(ct, person_id, person_id, (), county, town, village, school, monthly, title, finding)

    if ct is CaseType.CROSS_COUNTY:
        # 省外就读: the school is outside the province, where no officer of ours works; the
        # registration county verifies (户籍地核实), as it pays (资助责任县).
        verifier = _s(row, "户籍县") if _s(row, "范围") == "省外就读" else _s(row, "核实责任县")
        county = verifier or _s(row, "学籍县") or None
        title = f"{_s(row, '范围') or '跨县就读'}：户籍县 {_s(row, '户籍县')} → 学籍县 {_s(row, '学籍县')}"
        return CaseDraft(ct, person_id, person_id, (_s(row, "学籍县"),), county, None, None, school, monthly, title, finding)

    term = normalise_term(_s(row, "学期"))
    if ct is CaseType.DUPLICATE_SUBSIDY:
        project = _s(row, "资助项目")
        county = _s(row, "应发县") or None
        deadline = max(term_deadline(term), monthly)
        title = f"{term} {project} 重复发放 {_s(row, '笔数')} 笔，重复金额 {_s(row, '重复金额')} 元"
        return CaseDraft(ct, person_id, person_id, (term, project), county, None, None, school, deadline, title, finding)

    # missed subsidy
    county = _s(row, "责任县") or None
    title = f"{term} 漏助（{_s(row, '资格')}）"
    return CaseDraft(ct, person_id, person_id, (term,), county, None, None, school, term_deadline(term), title, finding)


def _truthy(v: str) -> bool:
    return v.strip().lower() in {"是", "true", "1", "y", "yes", "有"}
