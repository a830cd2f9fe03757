"""The value vocabularies fixed by the contract (spec/bundle.md): the words a field may
hold once cleaned. The one home of each list: the reader (``bundle``), the normalisers
(``codes``), the generator, the 三包 actions and the API's models all read them here.

户籍状态 household-registry status, 学籍状态 enrolment status, 贫困户属性 poverty type,
救助类型 relief type, 办学类型 school type, 包保类型 duty type (包村/包户/包人), 在岗状态
contact status, 走访方式 visit method, 区划级别 division level (with its code length),
年级 grades.
"""

from __future__ import annotations

HUKOU_STATUSES = ("正常", "迁出", "死亡", "注销")
ENROL_STATUSES = ("在读", "休学", "转出", "毕业")
POVERTY_TYPES = ("一般贫困户", "低保贫困户", "特困供养贫困户")
RELIEF_TYPES = ("农村低保", "农村特困", "城市低保")
SCHOOL_TYPES = ("小学", "初中", "九年一贯制学校", "特殊教育学校", "高中")
DUTY_TYPES = ("包村", "包户", "包人")
CONTACT_STATUSES = ("在岗", "离岗")
VISIT_METHODS = ("入户", "电话", "视频")
DIVISION_LEVELS = {"省": 2, "市": 4, "县": 6, "乡": 9, "村": 12}
GRADES_COMPULSORY = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级")
GRADES_HIGH = ("高一", "高二", "高三")
