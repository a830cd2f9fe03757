"""One hand-built prefecture for the check tests: every fact is written out here.

Province 43, term 2025秋 (school year starts 2025-09-01: compulsory age = born
2009-09-02 … 2019-09-01), reference date 2025-10-15 (visit window 2025-09-16 …
2025-10-15). Counties 431202 (A) and 431221 (B) of the province, 440105 outside.
"""

from __future__ import annotations

from handbuilt_workspace import make_id

A, B, AWAY = "431202", "431221", "440105"
V1, V2, V3 = "431202101001", "431202101002", "431221101001"

DIVISIONS = [
    ("43", "湖南省", "省", None),
    ("4312", "怀化市", "市", "43"),
    (A, "鹤城区", "县", "4312"),
    ("431202101", "城南镇", "乡", A),
    (V1, "一村", "村", "431202101"),
    (V2, "二村", "村", "431202101"),
    (B, "中方县", "县", "4312"),
    ("431221101", "中方镇", "乡", B),
    (V3, "三村", "村", "431221101"),
    (AWAY, "越秀区", "县", None),
]
SCHOOLS = [
    ("S1", "鹤城小学", A, "小学"),
    ("S2", "中方中学", B, "九年一贯制学校"),
    ("S3", "越秀小学", AWAY, "小学"),
]

ID = {
    "P01": make_id(A, "20150301", "011"),
    "P02": make_id(A, "20160406", "022"),
    "P03": make_id(A, "20140101", "031"),
    "P04": make_id(A, "20130707", "041"),
    "P05": make_id(A, "20120808", "052"),
    "P06": make_id(A, "20121212", "061"),
    "P07": make_id(A, "20110101", "071"),
    "P08": make_id(A, "20080505", "081"),
    "P09": make_id(A, "20190902", "091"),
    "P11": make_id(A, "20120601", "111"),
    "P20": make_id(A, "20140202", "201"),
    "P21": make_id(A, "20140303", "211"),
    "P22": make_id(AWAY, "20150505", "221"),
    "P23": make_id(B, "20140404", "231"),
    "P24": make_id(A, "20130303", "241"),
    "P25": make_id(A, "20150606", "251"),
    "P26": make_id(A, "20150707", "261"),
    "P27": make_id(A, "20090501", "271"),
    "P28": make_id(B, "20140909", "281"),
}
XUEJI_P02 = "G" + ID["P02"]


def _typo(number: str) -> str:
    """The last two characters swapped (a transposition the repair undoes)."""
    return number[:-2] + number[-1] + number[-2]


def records() -> list[dict]:
    rows: list[dict] = []
    n = {"hukou": 0, "xueji": 0, "fupin": 0, "canlian": 0, "minzheng": 0, "zizhu": 0}

    def add(source: str, pid: str, **kw) -> None:
        n[source] += 1
        kw.setdefault("id", ID.get(pid))
        kw.setdefault("name", f"儿童{pid}")
        rows.append(dict(source=source, row=n[source], person_id=pid, **kw))

    def hukou(pid: str, code: str, status: str = "正常", household: str | None = None, **kw) -> None:
        add("hukou", pid, code=code, hukou_status=status, household=household, relation="子", **kw)

    def xueji(pid: str, school: str, status: str, grade: str, hukou_code: str | None = None, **kw) -> None:
        add("xueji", pid, school_id=school, enrol_status=status, grade=grade, hukou_code=hukou_code,
            xueji_no=kw.pop("xueji_no", "G" + ID[pid] if ID.get(pid) else None), **kw)

    def pay(pid: str, amount: float, county: str, term: str = "2025秋", project: str = "义务教育生活补助") -> None:
        add("zizhu", pid, project=project, amount=amount, term=term, paying_county=county, paid_date="2025-10-01")

    # --- unmatched children ------------------------------------------------------
    hukou("P01", V1, household="H01")
    add("fupin", "P01", code=V1, household="F01", poverty_type="一般贫困户", relation="子")
    hukou("P02", V1, household="H02")
    add("fupin", "P02", code=V1, household="F02", poverty_type="低保贫困户", relation="子")
    xueji("P02", "S1", "在读", "三年级", hukou_code=V1, xueji_no=XUEJI_P02)
    hukou("P03", V1, status="死亡")  # dead: not active, not unmatched
    hukou("P04", V1, status="迁出", household="H04")
    hukou("P04", V2, status="正常", household="H04B")  # another hukou record 正常: unmatched
    add("canlian", "P05", code=V2, disability_type="肢体", disability_grade="二级")  # no hukou: canlian here
    add("minzheng", "P06", code="440105001001", relief_type="农村低保")  # no hukou, relief outside: not active
    hukou("P07", V1)
    xueji("P07", "S1", "休学", "八年级", hukou_code=V1)  # 休学 counts as enrolled
    hukou("P08", V1)  # 17 years old
    hukou("P09", V1)  # 5 years old on 2025-09-01
    hukou("P11", V1)
    # the xueji record has no ID and a wrong birth date; the person's birth date is the ID's
    xueji("P11", "S1", "毕业", "六年级", hukou_code=V1, id=None, birth="2005-01-01", xueji_no="L0000011")

    # --- cross-county students and subsidies ----------------------------------------
    hukou("P20", V1)
    xueji("P20", "S2", "在读", "七年级", hukou_code=V1)  # 省内跨县
    pay("P20", 500, B)
    pay("P20", 500, A)  # paid twice: duplicate
    hukou("P21", V1)
    xueji("P21", "S3", "在读", "四年级", hukou_code=V1)  # 省外就读
    xueji("P22", "S1", "在读", "四年级", hukou_code=AWAY)  # 外省户籍 (no hukou record)
    hukou("P23", V3)
    xueji("P23", "S1", "转出", "五年级", hukou_code=V3, xueji_no="L0000023")
    hukou("P24", V1)
    xueji("P24", "S1", "在读", "五年级", hukou_code=V1)
    pay("P24", 250, A)
    pay("P24", 250, A)
    pay("P24", 300, A)  # three payments: 800 − 300 = 500
    pay("P24", 250, A, term="2025春")  # another term: not a duplicate

    # --- missed subsidies ------------------------------------------------------------
    hukou("P25", V1)
    add("minzheng", "P25", code=V1, relief_type="农村低保")
    add("canlian", "P25", code=V1, disability_type="视力", disability_grade="四级")
    xueji("P25", "S2", "在读", "三年级", hukou_code=V1)  # eligible, cross-county: B pays
    hukou("P26", V1)
    add("minzheng", "P26", code=V1, relief_type="城市低保")  # not an eligibility of the contract
    xueji("P26", "S1", "在读", "二年级", hukou_code=V1)
    hukou("P27", V1)
    add("fupin", "P27", code=V1, household="F27", poverty_type="一般贫困户", relation="子")
    xueji("P27", "S1", "在读", "高一", hukou_code=V1)  # high school: not missed; age 16: not a target
    hukou("P28", V3, household="H28")
    add("fupin", "P28", code=V3, household="F28", poverty_type="一般贫困户", relation="子")
    xueji("P28", "S2", "在读", "五年级", hukou_code=V3)
    pay("P28", 500, B)  # paid this term: not missed
    return rows


CONTACTS = [
    dict(contact_id="C1", type="包村", target=V1),
    dict(contact_id="C2", type="包户", target="F01"),
    dict(contact_id="C3", type="包户", target="H02", status="离岗"),
    dict(contact_id="C4", type="包人", target=_typo(ID["P01"])),  # a typo'd ID still finds P01
    dict(contact_id="C5", type="包人", target=XUEJI_P02),
    dict(contact_id="C6", type="包人", target=ID["P28"], status="离岗"),
]
VISITS = [
    dict(contact_id="C4", target=ID["P01"][:6] + " " + ID["P01"][6:], date="2025-10-01"),  # typed with a space
    dict(contact_id="C5", target="H02", date="2025-09-15"),  # one day before the window
    dict(contact_id="C5", target="H02", date="2025-10-20"),  # after the reference date
]

EXPECTED_UNMATCHED = {
    # person_id: (户籍区划代码, 责任县, 建档立卡, 低保特困, 残疾)
    "P01": (V1, A, "是", "否", "否"),
    "P04": (V2, A, "否", "否", "否"),
    "P05": (V2, A, "否", "否", "是"),
    "P11": (V1, A, "否", "否", "否"),
    "P23": (V3, B, "否", "否", "否"),  # 转出 is not enrolled
}
EXPECTED_CROSS = [
    # person_id, 户籍县, 学籍县, 范围, 资助责任县, 核实责任县
    ("P20", A, B, "省内跨县", B, B),
    ("P21", A, AWAY, "省外就读", A, AWAY),
    ("P22", AWAY, A, "外省户籍", A, A),
    ("P25", A, B, "省内跨县", B, B),
]
EXPECTED_DUPLICATES = [
    # person_id, 学期, 资助项目, 笔数, 发放县, 应发县, 重复金额
    ("P20", "2025秋", "义务教育生活补助", "2", f"{A};{B}", B, "500.00"),
    ("P24", "2025秋", "义务教育生活补助", "3", A, A, "500.00"),
]
EXPECTED_MISSED = [
    # person_id, 学期, 资格, 责任县
    ("P02", "2025秋", "建档立卡", A),
    ("P25", "2025秋", "低保;残疾", B),
]
EXPECTED_GAPS = [
    # 类型, 对象, 区划代码, 联系人编号, 最近走访日期
    ("包村缺位", V2, V2, "", ""),
    ("包村缺位", V3, V3, "", ""),
    ("包户缺位", "P02", V1, "", ""),
    ("包户缺位", "P04", V2, "", ""),
    ("包户缺位", "P05", V2, "", ""),
    ("包户缺位", "P11", V1, "", ""),
    ("包户缺位", "P23", V3, "", ""),
    ("包户缺位", "P28", V3, "", ""),
    ("包人缺位", "P04", V2, "", ""),
    ("包人缺位", "P05", V2, "", ""),
    ("包人缺位", "P11", V1, "", ""),
    ("包人缺位", "P23", V3, "", ""),
    ("包人缺位", "P28", V3, "", ""),
    ("走访逾期", "P02", V1, "C5", "2025-09-15"),
]
