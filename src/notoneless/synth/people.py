"""The true population: households (户) with parents and children, their names, birth
dates, sexes, 民族 and ID numbers, and what happened to each child (enrolled where,
moved, died, out of school). Everything the source systems show is projected from
these objects (`systems.py`); the answer key is computed from them (`oracle.py`).

ID numbers (GB 11643): region prefix of the birth county (the pre-1997/1999 code for
adults of 怀化 and 娄底), birth date, a 3-digit sequence (odd for men), and the check
digit from python-stdnum's ``cn.ric.calc_check_digit``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.cn import ric

from notoneless.synth import names
from notoneless.synth.geography import County, Geography, Village
from notoneless.synth.rates import WorldConfig
from notoneless.synth.schools import School, SchoolDirectory

DISABILITY_TYPES = ("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾")
DISABILITY_GRADES = ("一级", "二级", "三级", "四级")


@dataclass(eq=False, slots=True)
class Enrolment:
    """One xueji row of a child: school, grade index (0 = 一年级), 学籍状态."""

    school: School
    grade: int
    status: str
    boarding: bool


@dataclass(eq=False, slots=True)
class Person:
    pid: str  # true_person_id
    surname: str
    given: str
    dotted: bool  # minority name written with a middle dot; `surname` is empty then
    sex: str  # M / F
    birth: date
    ethnicity: str
    household: Household
    relation: str  # 与户主关系: 户主/配偶/子/女
    is_child: bool
    id_no: str | None = None
    hukou_status: str | None = "正常"  # None: no hukou row in this province
    old_village: Village | None = None  # a second hukou row, 迁出, in a former village
    enrolments: list[Enrolment] = field(default_factory=list)
    xueji_no: str | None = None
    disability: tuple[str, str] | None = None  # (残疾类别, 残疾等级)
    cases: list[str] = field(default_factory=list)  # hard-case labels for truth/hard_cases.csv

    @property
    def name(self) -> str:
        return self.given if self.dotted else self.surname + self.given


@dataclass(eq=False, slots=True)
class Household:
    hid: int
    county: County  # where the family lives (and, unless `oop_county`, is registered)
    village: Village | None  # registration village in the province; None if registered elsewhere
    oop_county: str | None  # registration county in another province
    hukou_no: str  # 户号 (公安)
    ethnicity: str
    fupin_no: str | None = None  # 户编号 (建档立卡)
    poverty_type: str | None = None
    relief: str | None = None  # 救助类型 of the household in minzheng
    members: list[Person] = field(default_factory=list)
    grandparents: Household | None = None  # the grandparents' own 户 in the same village (hard profile)
    listed_under: Household | None = None  # fupin/minzheng list the children in this household (hard profile)

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def children(self) -> list[Person]:
        return [m for m in self.members if m.is_child]


@dataclass
class Population:
    households: list[Household]
    persons: list[Person]

    @property
    def children(self) -> list[Person]:
        return [p for p in self.persons if p.is_child]


def full_years(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _birth_for_age(rng: random.Random, age: int, on: date) -> date:
    """A birth date with exactly `age` full years on `on`."""
    latest = date(on.year - age, on.month, on.day)
    return latest - timedelta(days=rng.randrange(365))


class _IdIssuer:
    """Issues unique valid ID numbers; twins share everything but the sequence digits."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def issue(self, region: str, birth: date, sex: str) -> str:
        stem = f"{region}{birth:%Y%m%d}"
        while True:
            seq = self.rng.randrange(1, 1000)
            if (seq % 2 == 1) != (sex == "M"):
                seq = seq + 1 if seq < 999 else seq - 1
            first17 = f"{stem}{seq:03d}"
            if first17 not in self.used:
                self.used.add(first17)
                return first17 + ric.calc_check_digit(first17 + "0")


def _pick_ethnicity(rng: random.Random, county: County) -> str:
    r = rng.random()
    for eth, share in county.info.minority:
        if r < share:
            return eth
        r -= share
    return "汉族"


class _Builder:
    def __init__(self, rng: random.Random, geo: Geography, cfg: WorldConfig) -> None:
        self.rng = rng
        self.geo = geo
        self.cfg = cfg
        self.sys = cfg.school_year_start
        self.households: list[Household] = []
        self.persons: list[Person] = []
        self.hukou_seq: dict[str, int] = {}
        self.fupin_seq: dict[str, int] = {}

    # -- households -------------------------------------------------------------
    def _new_pid(self) -> str:
        return f"P{len(self.persons) + 1:07d}"

    def _hukou_no(self, county_code: str) -> str:
        n = self.hukou_seq[county_code] = self.hukou_seq.get(county_code, 0) + 1
        return f"{county_code[2:]}{n:06d}"

    def household(self, county: County, village: Village | None, oop_county: str | None, n_children: int) -> Household:
        rng, pop = self.rng, self.cfg.population
        uyghur = rng.random() < pop.uyghur
        eth = "维吾尔族" if uyghur else _pick_ethnicity(rng, county)
        reg_code = oop_county or county.code
        hh = Household(len(self.households) + 1, county, village, oop_county, self._hukou_no(reg_code), eth)
        self.households.append(hh)
        ages = sorted(rng.sample(range(3, 19), n_children), reverse=True)
        births = [_birth_for_age(rng, a, self.sys) for a in ages]
        if n_children >= 2 and rng.random() < self.cfg.hard.twins:
            births[1] = births[0]
        father_birth = births[0] - timedelta(days=365 * rng.randint(22, 36) + rng.randrange(365))
        mother_birth = births[0] - timedelta(days=365 * rng.randint(20, 33) + rng.randrange(365))
        two_parents = rng.random() >= pop.single_parent
        father_given = names.pick_uyghur(rng, "M") if uyghur else names.pick_given(rng, "M")
        surname = "" if uyghur else names.pick_surname(rng)
        parents: list[tuple[str, str, str, date]] = []  # (surname, given, sex, birth)
        if two_parents or rng.random() < 0.5:
            given = f"{father_given}·{names.pick_uyghur(rng, 'M')}" if uyghur else father_given
            parents.append((surname, given, "M", father_birth))
        if two_parents or not parents:
            if uyghur:
                parents.append(("", f"{names.pick_uyghur(rng, 'F')}·{names.pick_uyghur(rng, 'M')}", "F", mother_birth))
            else:
                parents.append((names.pick_surname(rng), names.pick_given(rng, "F"), "F", mother_birth))
        for i, (sn, gv, sex, b) in enumerate(parents):
            self._person(hh, sn, gv, uyghur, sex, b, "户主" if i == 0 else "配偶", False)
        child_surname = parents[0][0] if rng.random() < 0.95 else parents[-1][0]
        for b in births:
            sex = "M" if rng.random() < 0.52 else "F"
            if uyghur:
                given = f"{names.pick_uyghur(rng, sex)}·{father_given}"
            else:
                given = names.pick_given(rng, sex)
            self._person(hh, child_surname, given, uyghur, sex, b, "子" if sex == "M" else "女", True)
        # twins get different given names
        kids = hh.children
        if len(kids) >= 2 and kids[0].birth == kids[1].birth:
            while kids[1].given == kids[0].given:
                kids[1].given = names.pick_given(self.rng, kids[1].sex)
            kids[0].cases.append("twin")
            kids[1].cases.append("twin")
        lists = self.cfg.lists
        if lists.generation_names and len(kids) >= 2 and not uyghur and rng.random() < lists.generation_names:
            self._generation_names(kids)
        if lists.grandparents and village is not None and kids and not uyghur and rng.random() < lists.grandparents:
            hh.grandparents = self._grandparents(county, village, kids[0].surname, min(father_birth, mother_birth))
        return hh

    def _generation_names(self, kids: list[Person]) -> None:
        """The children share the first character of a two-character given name (字辈):
        张子涵, 张子豪; every child's name stays distinct."""
        rng = self.rng
        gen = rng.choice(names.GENERATION_CHARACTERS)
        taken: set[str] = set()
        for k in kids:
            pool = [c for c in (names.GIVEN_MALE if k.sex == "M" else names.GIVEN_FEMALE) if c != gen and c not in taken]
            second = rng.choice(pool)
            taken.add(second)
            k.given = gen + second
            k.cases.append("generation_name")

    def _grandparents(self, county: County, village: Village, surname: str, parent_birth: date) -> Household:
        """The paternal grandparents' own 户 in the same village: grandfather (head) and,
        mostly, grandmother; born a generation before the older parent."""
        rng = self.rng
        gp = Household(len(self.households) + 1, county, village, None, self._hukou_no(county.code),
                       _pick_ethnicity(rng, county))
        self.households.append(gp)
        born = parent_birth - timedelta(days=365 * rng.randint(22, 32) + rng.randrange(365))
        self._person(gp, surname, names.pick_given(rng, "M"), False, "M", born, "户主", False)
        if rng.random() < 0.8:
            wife = born + timedelta(days=rng.randrange(-3 * 365, 3 * 365))
            self._person(gp, names.pick_surname(rng), names.pick_given(rng, "F"), False, "F", wife, "配偶", False)
        return gp

    def _person(self, hh: Household, surname: str, given: str, dotted: bool, sex: str, birth: date,
                relation: str, is_child: bool) -> Person:
        p = Person(self._new_pid(), surname, given, dotted, sex, birth, hh.ethnicity, hh, relation, is_child)
        hh.members.append(p)
        self.persons.append(p)
        return p

    # -- whole population ----------------------------------------------------------
    def build(self) -> Population:
        rng, cfg = self.rng, self.cfg
        for county in self.geo.counties:
            villages = county.villages
            n_oop = round(cfg.children_per_county * cfg.hard.out_of_province_hukou)
            made = 0
            while made < cfg.children_per_county - n_oop:
                k = rng.choices((1, 2, 3), weights=(0.42, 0.43, 0.15))[0]
                k = min(k, cfg.children_per_county - n_oop - made)
                self.household(county, rng.choice(villages), None, k)
                made += k
            made = 0
            while made < n_oop:
                k = min(rng.choice((1, 1, 2)), n_oop - made)
                self.household(county, None, rng.choice(self.geo.out_of_province), k)
                made += k
        self._namesakes()
        if cfg.lists.village_namesakes:
            self._village_namesakes()
        self._issue_ids()
        return Population(self.households, self.persons)

    def _namesakes(self) -> None:
        """Give some children the name and birth date of a child in another village."""
        rng = self.rng
        kids = [p for p in self.persons if p.is_child and not p.dotted and p.household.village and not p.cases]
        by_key: dict[tuple[str, str], list[Person]] = {}
        for k in kids:
            by_key.setdefault((k.surname, k.sex), []).append(k)
        n = round(len(kids) * self.cfg.hard.namesakes / 2)
        for _ in range(n * 4):
            if n == 0:
                break
            a = rng.choice(kids)
            if a.cases or not 6 <= full_years(a.birth, self.sys) <= 15:
                continue
            same = by_key[(a.surname, a.sex)]
            b = rng.choice(same)
            if b is a or b.cases or b.household.village is a.household.village:
                continue
            if any(s is not b and s.birth == a.birth for s in b.household.children):
                continue
            b.given, b.birth = a.given, a.birth
            a.cases.append("namesake")
            b.cases.append("namesake")
            n -= 1

    def _village_namesakes(self) -> None:
        """Give some children the full name of a child of another household in the same
        village (same surname and sex; each keeps its own birth date)."""
        rng = self.rng
        kids = [p for p in self.persons if p.is_child and not p.dotted and p.household.village and not p.cases]
        by_key: dict[tuple[str, str, str], list[Person]] = {}
        for k in kids:
            by_key.setdefault((k.household.village.code, k.surname, k.sex), []).append(k)  # type: ignore[union-attr]
        n = round(len(kids) * self.cfg.lists.village_namesakes / 2)
        for _ in range(n * 6):
            if n == 0:
                break
            a = rng.choice(kids)
            same = by_key[(a.household.village.code, a.surname, a.sex)]  # type: ignore[union-attr]
            b = rng.choice(same)
            if a.cases or b is a or b.cases or b.household is a.household:
                continue
            if any(s.given == a.given for s in b.household.children):
                continue
            b.given = a.given
            a.cases.append("village_namesake")
            b.cases.append("village_namesake")
            n -= 1

    def _issue_ids(self) -> None:
        issuer = _IdIssuer(self.rng)
        for p in self.persons:
            hh = p.household
            if hh.oop_county:
                region = hh.oop_county
            else:
                region = hh.county.region_for_birth_year(p.birth.year)
            p.id_no = issuer.issue(region, p.birth, p.sex)


def build_population(rng: random.Random, geo: Geography, cfg: WorldConfig) -> Population:
    return _Builder(rng, geo, cfg).build()


# -- what happened to each child ----------------------------------------------------

def assign_lives(rng: random.Random, pop: Population, geo: Geography, schools: SchoolDirectory,
                 cfg: WorldConfig) -> None:
    """Decide each child's hukou status, enrolments, disability and registry memberships."""
    h, pr = cfg.hard, cfg.population
    sys = cfg.school_year_start
    other_counties = {c.code: [o.code for o in geo.counties if o is not c] for c in geo.counties}
    poverty_types = ("一般贫困户", "低保贫困户", "特困供养贫困户")
    fupin_seq: dict[str, int] = {}
    for hh in pop.households:
        if hh.village is None:
            continue
        if rng.random() < pr.fupin:
            n = fupin_seq[hh.village.code] = fupin_seq.get(hh.village.code, 0) + 1
            hh.fupin_no = f"{hh.village.code}{n:04d}"
            hh.poverty_type = rng.choices(poverty_types, weights=(0.7, 0.25, 0.05))[0]
        r = rng.random()
        if hh.poverty_type == "低保贫困户" or r < pr.dibao:
            hh.relief = "农村低保"
        elif hh.poverty_type == "特困供养贫困户" or r < pr.dibao + pr.tekun:
            hh.relief = "农村特困"
        elif r < pr.dibao + pr.tekun + pr.urban_dibao and hh.county.name.endswith(("区", "市")):
            hh.relief = "城市低保"
        for m in hh.members:
            if not m.is_child and rng.random() < pr.disabled_adult:
                m.disability = (rng.choice(DISABILITY_TYPES), rng.choice(DISABILITY_GRADES))
    if cfg.lists.listed_under_grandparent:
        for hh in pop.households:
            gp = hh.grandparents
            if gp is None or not (hh.fupin_no or hh.relief) or rng.random() >= cfg.lists.listed_under_grandparent:
                continue
            hh.listed_under = gp
            if hh.fupin_no and gp.fupin_no is None:  # the grandparents' household is on the list too
                v = gp.village.code  # type: ignore[union-attr]
                n = fupin_seq[v] = fupin_seq.get(v, 0) + 1
                gp.fupin_no, gp.poverty_type = f"{v}{n:04d}", hh.poverty_type
            for k in hh.children:
                k.cases.append("listed_under_grandparent")

    for p in pop.children:
        hh = p.household
        age = full_years(p.birth, sys)
        if rng.random() < pr.disabled_child:
            p.disability = (rng.choice(DISABILITY_TYPES), rng.choice(DISABILITY_GRADES))
        if hh.village is None:  # 外省户籍: registered elsewhere, lives and studies here
            p.hukou_status = None
            p.cases.append("out_of_province_hukou")
            g = _grade_for(rng, age)
            if 6 <= age and g <= 11:
                _enrol(rng, p, schools.pick(rng, hh.county.code, g), g, "在读", pr.boarding)
            continue
        compulsory = 6 <= age <= 15
        r = rng.random()
        if compulsory and not any(c in ("twin", "namesake") for c in p.cases) and r < h.no_id:
            p.id_no = None
            p.hukou_status = None
            p.cases.append("no_id")
            p.xueji_no = f"L{hh.county.code}{p.birth:%Y%m%d}{p.pid[-4:]}"
            g = _grade_for(rng, age)
            _enrol(rng, p, schools.pick(rng, hh.county.code, g), g, "在读", pr.boarding)
            continue
        r = rng.random()
        for status, rate, case in (("死亡", h.dead, "dead"), ("注销", h.cancelled, "cancelled"),
                                   ("迁出", h.moved_out, "moved_out")):
            if r < rate:
                p.hukou_status = status
                p.cases.append(case)
                if status == "迁出" and age >= 7 and rng.random() < 0.3:
                    g = _grade_for(rng, age - 1)
                    _enrol(rng, p, schools.pick(rng, hh.county.code, min(g, 8)), min(g, 8), "转出", pr.boarding)
                break
            r -= rate
        else:
            if hh.fupin_no is None and rng.random() < h.moved_within:
                p.old_village = rng.choice([v for v in hh.county.villages if v is not hh.village])
                p.cases.append("moved_within")
            if age < 6:
                continue
            _school_life(rng, p, age, compulsory, schools, cfg, other_counties[hh.county.code], geo)
    for p in pop.persons:
        if p.id_no and p.xueji_no is None and p.enrolments:
            p.xueji_no = "G" + p.id_no


def _grade_for(rng: random.Random, age: int) -> int:
    g = age - 6
    if g > 0 and rng.random() < 0.04:
        g -= 1  # repeated a year
    return max(0, min(g, 11))


def _enrol(rng: random.Random, p: Person, school: School, grade: int, status: str, boarding_rate: float) -> None:
    p.enrolments.append(Enrolment(school, grade, status, rng.random() < boarding_rate))


def _school_life(rng: random.Random, p: Person, age: int, compulsory: bool, schools: SchoolDirectory,
                 cfg: WorldConfig, others: list[str], geo: Geography) -> None:
    h, pr = cfg.hard, cfg.population
    county = p.household.county.code
    g = _grade_for(rng, age)
    if compulsory:
        r = rng.random()
        if r < h.not_enrolled:
            p.cases.append("not_enrolled")
            return
        r -= h.not_enrolled
        if r < h.graduated_or_transferred_only:
            p.cases.append("not_enrolled")
            status = "毕业" if g >= 9 else "转出"
            gg = min(g, 8) if status == "转出" else 8
            _enrol(rng, p, schools.pick(rng, county, gg), gg, status, pr.boarding)
            return
    elif age >= 16:
        if g >= 12 or rng.random() < 0.35:  # finished school or left after junior middle
            if rng.random() < 0.5:
                gg = 11 if g >= 12 else 8
                _enrol(rng, p, schools.pick(rng, county, gg), gg, "毕业", pr.boarding)
            return
    g = min(g, 11)
    school_county = county
    if g <= 8 and rng.random() < h.out_of_province_study:
        school_county = rng.choice(geo.out_of_province)
        p.cases.append("out_of_province_study")
    elif others and rng.random() < h.cross_county:
        school_county = rng.choice(others)
        p.cases.append("cross_county")
    special = p.disability is not None and g <= 8 and school_county == county and rng.random() < h.special_school
    school = schools.pick(rng, school_county, g, special=special)
    if rng.random() < h.transfer_duplicate:
        former = schools.pick(rng, county, g, avoid=school)
        if former is not school:
            _enrol(rng, p, former, g, "转出", pr.boarding)
            p.cases.append("transfer_duplicate")
    status = "休学" if rng.random() < h.suspended else "在读"
    if status == "休学":
        p.cases.append("suspended")
    _enrol(rng, p, school, g, status, pr.boarding)
