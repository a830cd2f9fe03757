"""Projection of the true world into the ten files of the contract, as *clean* rows.

Every value here is the true one in one canonical form (dates ``YYYY-MM-DD``, sex
男/女, IDs in 18 characters); `dirt.py` then writes them the way each source system
really does. The oracle computes the answer key from these clean rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from notoneless.synth import names
from notoneless.synth.geography import Geography, Village
from notoneless.synth.people import Household, Person, Population, full_years
from notoneless.synth.rates import WorldConfig
from notoneless.synth.schools import SPECIAL, SchoolDirectory, grade_label

SEX_LABEL = {"M": "男", "F": "女"}
PROJECT_COMPULSORY = "义务教育家庭经济困难学生生活补助"
PROJECT_HIGH = "普通高中国家助学金"
GRANDCHILD = {"M": "孙子", "F": "孙女"}
PAY_METHODS = ("惠农一卡通", "惠农一卡通", "银行卡", "现金")


@dataclass(eq=False, slots=True)
class Row:
    """One row of one file, clean. `person` is set for the six person files."""

    stem: str
    values: dict[str, str]
    sort_key: tuple
    person: Person | None = None
    target_kind: str | None = None  # contacts/visits: id, xueji_no, household, village
    record_key: str = ""
    written: tuple[str, ...] | None = None  # the row as written to the file (after dirt), in header order
    dirt: list[tuple[str, str]] = field(default_factory=list)  # (header, kind)
    unusable: str | None = None  # why the written row cannot be used
    extra: bool = False  # a duplicate or unusable copy of another row (not a separate fact)


@dataclass
class World:
    config: WorldConfig
    geography: Geography
    schools: SchoolDirectory
    population: Population
    rows: dict[str, list[Row]]


def _reg_county(p: Person) -> str:
    hh = p.household
    return hh.oop_county or hh.village.county.code  # type: ignore[union-attr]


def _current(p: Person):
    for e in p.enrolments:
        if e.status == "在读":
            return e
    return None


def _responsible_county(p: Person) -> str:
    """Who should pay: the school county, or the registration county for 省外就读."""
    e = _current(p)
    assert e is not None
    school_county = e.school.county_code
    if not school_county.startswith("43"):
        return _reg_county(p)
    return school_county


def _random_name(rng: random.Random, surname: str | None = None) -> str:
    sex = "M" if rng.random() < 0.6 else "F"
    return (surname if surname is not None else names.pick_surname(rng)) + names.pick_given(rng, sex)


def _phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + f"{rng.randrange(10**9):09d}"


class _Projector:
    def __init__(self, rng: random.Random, world_parts: tuple, cfg: WorldConfig) -> None:
        self.rng = rng
        self.geo, self.schools, self.pop = world_parts
        self.cfg = cfg
        self.rows: dict[str, list[Row]] = {s: [] for s in (
            "divisions", "schools", "hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu", "contacts", "visits")}
        self.in_fupin: set[int] = set()  # id(person)
        self.in_canlian: set[int] = set()
        self.relief: dict[int, str] = {}
        self.old_seq: dict[str, int] = {}

    def add(self, stem: str, values: dict[str, str], key: tuple, person: Person | None = None,
            target_kind: str | None = None) -> Row:
        row = Row(stem, values, key, person, target_kind)
        self.rows[stem].append(row)
        return row

    def run(self) -> dict[str, list[Row]]:
        self.reference()
        for hh in self.pop.households:
            self.household(hh)
        for p in self.pop.persons:
            self.xueji(p)
        for p in self.pop.children:
            self.zizhu(p)
        self.contacts()
        for stem in self.rows:
            if stem != "divisions":
                self.rows[stem].sort(key=lambda r: r.sort_key)
        return self.rows

    def reference(self) -> None:
        for i, d in enumerate(self.geo.division_rows()):
            self.add("divisions", d, (i,))
        for i, s in enumerate(self.schools.schools):
            self.add("schools", {"学校标识码": s.school_id, "学校名称": s.name, "区划代码": s.county_code,
                                 "办学类型": s.school_type}, (i,))

    # -- registries ----------------------------------------------------------------
    def household(self, hh: Household) -> None:
        if hh.village is None:
            return
        rng = self.rng
        v = hh.village
        head = hh.head.name
        alive = [m for m in hh.members if m.hukou_status == "正常" or (m.hukou_status is None and m.id_no is None)]
        for i, m in enumerate(hh.members):
            if m.hukou_status is not None:
                self.add("hukou", {
                    "身份证号": m.id_no or "", "姓名": m.name, "性别": SEX_LABEL[m.sex], "出生日期": m.birth.isoformat(),
                    "民族": m.ethnicity, "户号": hh.hukou_no, "户主姓名": head, "与户主关系": m.relation,
                    "区划代码": v.code, "户籍状态": m.hukou_status,
                }, (v.code, hh.hukou_no, i), m)
            if m.old_village is not None:
                oc = m.old_village.county.code
                n = self.old_seq[oc] = self.old_seq.get(oc, 0) + 1
                old_no = f"{oc[2:]}8{n:05d}"
                old_head = _random_name(rng, m.surname) if not m.dotted else hh.head.name
                self.add("hukou", {
                    "身份证号": m.id_no or "", "姓名": m.name, "性别": SEX_LABEL[m.sex], "出生日期": m.birth.isoformat(),
                    "民族": m.ethnicity, "户号": old_no, "户主姓名": old_head,
                    "与户主关系": "孙子" if m.sex == "M" else "孙女", "区划代码": m.old_village.code, "户籍状态": "迁出",
                }, (m.old_village.code, old_no, i), m)
        gp = hh.listed_under  # the children are listed in their grandparents' household (hard profile)
        if hh.fupin_no:
            f_head, f_rel = self.list_head(hh, "fupin")
            for i, m in enumerate(alive):
                self.in_fupin.add(id(m))
                if gp is not None and m.is_child:
                    self.add("fupin", {
                        "证件号码": m.id_no or "", "姓名": m.name, "性别": SEX_LABEL[m.sex], "户编号": gp.fupin_no or "",
                        "户主姓名": gp.head.name, "与户主关系": GRANDCHILD[m.sex], "区划代码": v.code,
                        "贫困户属性": hh.poverty_type or "",
                    }, (gp.fupin_no, 100 + hh.hid, i), m)
                    continue
                self.add("fupin", {
                    "证件号码": m.id_no or "", "姓名": m.name, "性别": SEX_LABEL[m.sex], "户编号": hh.fupin_no,
                    "户主姓名": f_head, "与户主关系": f_rel.get(m.relation, m.relation) if f_rel else m.relation,
                    "区划代码": v.code, "贫困户属性": hh.poverty_type or "",
                }, (hh.fupin_no, i), m)
        if hh.relief:
            m_head, _ = self.list_head(hh, "minzheng")
            for i, m in enumerate(alive):
                if m.id_no is None:
                    continue
                self.relief[id(m)] = hh.relief
                under_gp = gp is not None and m.is_child
                self.add("minzheng", {
                    "身份证号": m.id_no, "姓名": m.name, "性别": SEX_LABEL[m.sex], "救助类型": hh.relief,
                    "户主姓名": gp.head.name if under_gp else m_head, "区划代码": v.code,  # type: ignore[union-attr]
                }, (v.code, gp.hukou_no, 100 + hh.hid, i) if under_gp else (v.code, hh.hukou_no, i), m)  # type: ignore[union-attr]
        for i, m in enumerate(alive):
            if m.disability and m.id_no:
                self.in_canlian.add(id(m))
                self.add("canlian", {
                    "身份证号": m.id_no, "姓名": m.name, "性别": SEX_LABEL[m.sex], "残疾类别": m.disability[0],
                    "残疾等级": m.disability[1], "区划代码": v.code,
                }, (v.code, hh.hukou_no, i), m)

    def list_head(self, hh: Household, stem: str) -> tuple[str, dict[str, str] | None]:
        """户主姓名 as a hand-typed list writes it, and how 与户主关系 changes with it (None:
        unchanged). In the hard profile, at ``head_name_varies`` per household and list:
        a homophone or traditional form of the head's name, the other parent as head, or
        the grandfather (when the grandparents live in the village)."""
        head = hh.head
        rate = self.cfg.lists.head_name_varies
        if not rate or self.rng.random() >= rate:
            return head.name, None
        rng = self.rng
        kinds = []
        if not head.dotted:
            kinds += ["homophone", "traditional"]
        parents = [m for m in hh.members if not m.is_child]
        if len(parents) == 2:
            kinds.append("other_parent")
        if hh.grandparents is not None:
            kinds.append("grandparent")
        kind = rng.choice(kinds) if kinds else None
        name, relations = head.name, None
        if kind == "homophone":
            name = names.homophone_variant(rng, head.surname, head.given) or name
        elif kind == "traditional":
            name = names.traditional(name)
        elif kind == "other_parent":
            name, relations = parents[1].name, {"户主": "配偶", "配偶": "户主"}
        elif kind == "grandparent":
            name = hh.grandparents.head.name  # type: ignore[union-attr]
            relations = {"户主": "子" if head.sex == "M" else "女", "配偶": "儿媳" if head.sex == "M" else "女婿",
                         "子": "孙子", "女": "孙女"}
        if name == head.name:
            return name, None
        head.cases.append(f"head_{kind}_{stem}")
        return name, relations

    def xueji(self, p: Person) -> None:
        if not p.enrolments:
            return
        rng = self.rng
        hh = p.household
        if hh.oop_county:
            hukou_code = hh.oop_county
        elif p.id_no is None or rng.random() < 0.7:
            hukou_code = hh.village.code  # type: ignore[union-attr]
        else:
            hukou_code = hh.village.county.code  # type: ignore[union-attr]
        guardian = hh.members[0].name if not hh.members[0].is_child else ""
        for e in p.enrolments:
            self.add("xueji", {
                "学籍号": p.xueji_no or "", "姓名": p.name, "性别": SEX_LABEL[p.sex], "出生日期": p.birth.isoformat(),
                "身份证件号": p.id_no or "", "学校标识码": e.school.school_id, "年级": grade_label(e.grade),
                "学籍状态": e.status, "户口所在地": hukou_code, "监护人姓名": guardian,
                "是否寄宿": "是" if e.boarding else "否",
            }, (e.school.school_id, e.grade, rng.random()), p)

    # -- payments ------------------------------------------------------------------
    def eligible(self, p: Person) -> bool:
        return id(p) in self.in_fupin or id(p) in self.in_canlian or self.relief.get(id(p)) in ("农村低保", "农村特困")

    def zizhu(self, p: Person) -> None:
        e = _current(p)
        if e is None:
            return
        rng, h = self.rng, self.cfg.hard
        eligible = self.eligible(p)
        if e.grade <= 8:
            if eligible:
                if rng.random() < h.eligible_not_paid:
                    p.cases.append("eligible_not_paid")
                    return
            elif rng.random() >= h.needy_paid:
                return
            project = PROJECT_COMPULSORY
            amount = (500.0 if e.grade <= 5 else 625.0) if e.boarding else (250.0 if e.grade <= 5 else 312.5)
            if e.school.school_type == SPECIAL:
                amount += 100.0
        else:
            if not (eligible and rng.random() < 0.9) and rng.random() >= h.needy_paid:
                return
            project, amount = PROJECT_HIGH, 1250.0
        county = _responsible_county(p)
        term, prev = self.cfg.term, self.cfg.previous_term
        ref = self.cfg.reference_date
        start = self.cfg.school_year_start
        pay_window = max(1, (ref - start).days - 10)

        def pay(paying: str, amt: float, term_: str, when: date) -> None:
            self.add("zizhu", {
                "学籍号": p.xueji_no or "", "身份证号": p.id_no or "", "姓名": p.name, "资助项目": project,
                "金额": f"{amt:.2f}", "学期": term_, "发放单位区划代码": paying, "发放日期": when.isoformat(),
                "发放方式": rng.choice(PAY_METHODS),
            }, (paying, when, rng.random()), p)

        when = start + timedelta(days=10 + rng.randrange(pay_window))
        pay(county, amount, term, when)
        if rng.random() < 0.85:
            pay(county, amount, prev, start - timedelta(days=95 + rng.randrange(70)))
        if "cross_county" in p.cases and rng.random() < h.paid_twice_two_counties:
            pay(_reg_county(p), amount, term, start + timedelta(days=10 + rng.randrange(pay_window)))
            p.cases.append("paid_twice_two_counties")
        elif rng.random() < h.paid_twice_same_county:
            second = amount if rng.random() < 0.7 else amount / 2
            pay(county, second, term, when if rng.random() < 0.5 else when + timedelta(days=3))
            p.cases.append("paid_twice_same_county")

    # -- 三包 contacts and visits -------------------------------------------------------
    def contacts(self) -> None:
        rng, h, cfg = self.rng, self.cfg.hard, self.cfg
        ref, sys = cfg.reference_date, cfg.school_year_start
        seq: dict[str, int] = {}
        village_households: dict[str, list[Household]] = {}
        for hh in self.pop.households:
            if hh.village is not None:
                village_households.setdefault(hh.village.code, []).append(hh)

        def new_contact(v: Village, status: str) -> tuple[str, str, str, str, str]:
            n = seq[v.county.code] = seq.get(v.county.code, 0) + 1
            unit = rng.choice((f"{v.town.name}中心学校", f"{v.county.name}教育局", f"{v.town.name}人民政府",
                               f"{v.county.name}第一中学"))
            return (f"LX{v.county.code}{n:05d}", _random_name(rng), _phone(rng), unit, status)

        def add_contact(c: tuple[str, str, str, str, str], duty: str, target: str, kind: str, key: tuple) -> None:
            self.add("contacts", {"联系人编号": c[0], "姓名": c[1], "手机号": c[2], "单位": c[3], "包保类型": duty,
                                  "包保对象": target, "状态": c[4]}, key, None, kind)

        def add_visit(cid: str, target: str, kind: str, when: date) -> None:
            self.add("visits", {"联系人编号": cid, "包保对象": target, "走访日期": when.isoformat(),
                                "方式": rng.choice(("入户", "入户", "电话", "视频"))}, (when, cid, rng.random()), None, kind)

        def recent() -> date:
            return ref - timedelta(days=rng.randrange(0, 26))

        def old() -> date:
            return ref - timedelta(days=rng.randrange(36, 150))

        def draw(missing: float, off: float) -> str | None:
            r = rng.random()
            return None if r < missing else "离岗" if r < missing + off else "在岗"

        for county in self.geo.counties:
            for v in county.villages:
                on_pool = [new_contact(v, "在岗") for _ in range(rng.randint(1, 3))]
                off_pool = [new_contact(v, "离岗")]
                status = draw(h.village_contact_missing, h.village_contact_off_duty)
                if status:
                    c = rng.choice(on_pool if status == "在岗" else off_pool)
                    add_contact(c, "包村", v.code, "village", (v.code, 0, c[0]))
                for hh in village_households.get(v.code, []):
                    kids = [k for k in hh.children if 6 <= full_years(k.birth, sys) <= 15]
                    fupin_kids = [k for k in kids if id(k) in self.in_fupin]
                    out_kids = [k for k in kids if self._looks_unmatched(k)]
                    targets = fupin_kids + [k for k in out_kids if k not in fupin_kids]
                    overdue = {id(k) for k in targets if rng.random() < h.visit_overdue}
                    if hh.fupin_no:
                        status = draw(h.household_contact_missing, h.household_contact_off_duty)
                        if status:
                            c = rng.choice(on_pool if status == "在岗" else off_pool)
                            key, kind = (hh.fupin_no, "household") if rng.random() < 0.85 else (hh.hukou_no, "household")
                            add_contact(c, "包户", key, kind, (v.code, 1, c[0]))
                            if status == "在岗":
                                fresh = not overdue and rng.random() < 0.5
                                add_visit(c[0], key, kind, recent() if fresh else old())
                    for k in targets:
                        if k in fupin_kids:
                            status = draw(h.person_contact_missing, h.person_contact_off_duty)
                        else:
                            status = "在岗" if rng.random() < h.person_contact_for_unmatched else None
                        if not status:
                            continue
                        c = rng.choice(on_pool if status == "在岗" else off_pool)
                        if k.id_no is None or (k.xueji_no and rng.random() < 0.3):
                            key, kind = k.xueji_no or "", "xueji_no"
                        else:
                            key, kind = k.id_no, "id"
                        add_contact(c, "包人", key, kind, (v.code, 2, c[0]))
                        if status == "离岗":
                            if rng.random() < 0.5:
                                add_visit(c[0], key, kind, old())
                            continue
                        if id(k) in overdue:
                            for _ in range(rng.randint(0, 2)):
                                add_visit(c[0], key, kind, old())
                        else:
                            for i in range(rng.randint(1, 3)):
                                when = recent() if i == 0 else rng.choice((recent(), old()))
                                if not overdue and rng.random() < 0.25:  # recorded against the household
                                    add_visit(c[0], hh.fupin_no or hh.hukou_no, "household", when)
                                else:
                                    add_visit(c[0], key, kind, when)

    def _looks_unmatched(self, k: Person) -> bool:
        return k.hukou_status == "正常" and not any(e.status in ("在读", "休学") for e in k.enrolments)


def project(rng: random.Random, geo: Geography, schools: SchoolDirectory, pop: Population, cfg: WorldConfig) -> World:
    rows = _Projector(rng, (geo, schools, pop), cfg).run()
    return World(cfg, geo, schools, pop, rows)
