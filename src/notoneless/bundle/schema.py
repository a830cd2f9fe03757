"""The bundle's files and their canonical columns — contract v1, sections 1 and 2.

This module is the one home of the contract's vocabulary: the generator writes these
headers, the reader maps real-world header variants onto them (``aliases``), and the
staging tables use the English field names.

Systems (stems): ``hukou`` 户籍 household registry (公安), ``xueji`` 学籍 student
registry, ``fupin`` 建档立卡 poverty registry, ``canlian`` 残联 disability registry,
``minzheng`` 民政 civil-affairs relief (低保/特困), ``zizhu`` 资助发放 subsidy payments;
reference files ``divisions`` 行政区划 and ``schools`` 学校; responsibility files
``contacts`` 帮扶联系人 and ``visits`` 走访记录.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    field: str  # English name used in staging tables and code
    header: str  # canonical Chinese header of the contract
    required: bool = True  # a missing required column stops the run
    aliases: tuple[str, ...] = ()  # built-in header variants seen in real extracts


@dataclass(frozen=True)
class FileSpec:
    stem: str
    label: str  # Chinese name of the system, for officers
    columns: tuple[Column, ...]
    person: bool = False  # one row = one person record, keyed `<stem>:<row>`
    aliases_extra: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, field_name: str) -> Column:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(field_name)


_ID_ALIASES = ("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "证件号", "证件号码", "身份证件号", "身份证件号码")
_NAME_ALIASES = ("姓名", "学生姓名", "儿童姓名", "人员姓名")
_SEX_ALIASES = ("性别",)
_BIRTH_ALIASES = ("出生日期", "出生年月日", "生日")
_DIV_ALIASES = ("区划代码", "行政区划代码", "所在区划代码", "村级区划代码")


def _c(field_name: str, header: str, *aliases: str, required: bool = True) -> Column:
    return Column(field_name, header, required, tuple(a for a in aliases if a != header))


FILES: dict[str, FileSpec] = {
    spec.stem: spec
    for spec in (
        FileSpec(
            "divisions",
            "行政区划",
            (
                _c("code", "区划代码", *_DIV_ALIASES),
                _c("name", "名称", "区划名称"),
                _c("level", "级别", "区划级别"),
                _c("parent_code", "上级代码", "上级区划代码", required=False),
            ),
        ),
        FileSpec(
            "schools",
            "学校",
            (
                _c("school_id", "学校标识码", "学校代码"),
                _c("name", "学校名称"),
                _c("county_code", "区划代码", *_DIV_ALIASES, "所在县区划代码"),
                _c("school_type", "办学类型", "学校类型", required=False),
            ),
        ),
        FileSpec(
            "hukou",
            "户籍",
            (
                _c("id_raw", "身份证号", *_ID_ALIASES),
                _c("name_raw", "姓名", *_NAME_ALIASES),
                _c("sex_raw", "性别", *_SEX_ALIASES, required=False),
                _c("birth_raw", "出生日期", *_BIRTH_ALIASES, required=False),
                _c("ethnicity", "民族", required=False),
                _c("household_key", "户号", "户口号", "户编号"),
                _c("head_name", "户主姓名", required=False),
                _c("relation", "与户主关系", required=False),
                _c("division_code", "区划代码", *_DIV_ALIASES),
                _c("hukou_status", "户籍状态", "人员状态", "户口状态"),
            ),
            person=True,
        ),
        FileSpec(
            "xueji",
            "学籍",
            (
                _c("xueji_no", "学籍号", "全国学籍号", "学籍辅号"),
                _c("name_raw", "姓名", *_NAME_ALIASES),
                _c("sex_raw", "性别", *_SEX_ALIASES, required=False),
                _c("birth_raw", "出生日期", *_BIRTH_ALIASES, required=False),
                _c("id_raw", "身份证件号", *_ID_ALIASES),
                _c("school_id", "学校标识码", "学校代码"),
                _c("grade", "年级", "所在年级", required=False),
                _c("enrol_status", "学籍状态", "学生状态"),
                _c("hukou_code", "户口所在地", "户口所在地区划代码", "户籍所在地", required=False),
                _c("guardian_name", "监护人姓名", "监护人", "家长姓名", required=False),
                _c("boarding_raw", "是否寄宿", "是否住校", required=False),
            ),
            person=True,
        ),
        FileSpec(
            "fupin",
            "建档立卡",
            (
                _c("id_raw", "证件号码", *_ID_ALIASES),
                _c("name_raw", "姓名", *_NAME_ALIASES),
                _c("sex_raw", "性别", *_SEX_ALIASES, required=False),
                _c("household_key", "户编号", "户号", "户码"),
                _c("head_name", "户主姓名", required=False),
                _c("relation", "与户主关系", required=False),
                _c("division_code", "区划代码", *_DIV_ALIASES),
                _c("poverty_type", "贫困户属性", "贫困户类型", required=False),
            ),
            person=True,
        ),
        FileSpec(
            "canlian",
            "残联",
            (
                _c("id_raw", "身份证号", *_ID_ALIASES, "残疾人证号"),
                _c("name_raw", "姓名", *_NAME_ALIASES),
                _c("sex_raw", "性别", *_SEX_ALIASES, required=False),
                _c("disability_type", "残疾类别", "残疾类型", required=False),
                _c("disability_grade", "残疾等级", "残疾级别", required=False),
                _c("division_code", "区划代码", *_DIV_ALIASES),
            ),
            person=True,
        ),
        FileSpec(
            "minzheng",
            "民政救助",
            (
                _c("id_raw", "身份证号", *_ID_ALIASES),
                _c("name_raw", "姓名", *_NAME_ALIASES),
                _c("sex_raw", "性别", *_SEX_ALIASES, required=False),
                _c("relief_type", "救助类型", "保障类型", "救助类别"),
                _c("head_name", "户主姓名", required=False),
                _c("division_code", "区划代码", *_DIV_ALIASES),
            ),
            person=True,
        ),
        FileSpec(
            "zizhu",
            "资助发放",
            (
                _c("xueji_no", "学籍号", "全国学籍号", required=False),
                _c("id_raw", "身份证号", *_ID_ALIASES, required=False),
                _c("name_raw", "姓名", *_NAME_ALIASES),
                _c("project", "资助项目", "资助项目名称"),
                _c("amount_raw", "金额", "资助金额", "发放金额"),
                _c("term", "学期", "资助学期"),
                _c("paying_county", "发放单位区划代码", "发放县区划代码", "发放单位代码"),
                _c("paid_raw", "发放日期", "发放时间", required=False),
                _c("pay_method", "发放方式", required=False),
            ),
            person=True,
        ),
        FileSpec(
            "contacts",
            "帮扶联系人",
            (
                _c("contact_id", "联系人编号", "帮扶人编号"),
                _c("name", "姓名", "联系人姓名", "帮扶人姓名"),
                _c("phone", "手机号", "手机号码", "联系电话", required=False),
                _c("unit", "单位", "工作单位", required=False),
                _c("duty_type", "包保类型", "帮扶类型"),
                _c("target", "包保对象", "帮扶对象"),
                _c("status", "状态", "在岗状态"),
            ),
        ),
        FileSpec(
            "visits",
            "走访记录",
            (
                _c("contact_id", "联系人编号", "帮扶人编号"),
                _c("target", "包保对象", "走访对象"),
                _c("visit_raw", "走访日期", "走访时间"),
                _c("method", "方式", "走访方式", required=False),
            ),
        ),
    )
}

PERSON_SOURCES: tuple[str, ...] = tuple(s for s, f in FILES.items() if f.person)
REFERENCE_FILES: tuple[str, ...] = ("divisions", "schools")
RESPONSIBILITY_FILES: tuple[str, ...] = ("contacts", "visits")
ALL_STEMS: tuple[str, ...] = tuple(FILES)
