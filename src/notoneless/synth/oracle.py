"""The answer key: the contract's five findings computed on the TRUE data.

An independent oracle: plain Python over the clean rows of the generated world,
grouped by true person, applying the definitions of `spec/bundle.md` §3 word for
word. It shares no code with `notoneless.checks` (nor with the linkage): it never
normalises anything, because the rows it reads are the clean ones, and it knows who
is who from the generator, not from matching.

Rows deliberately made unusable are left out (the project cannot see their facts;
they only ever repeat facts of a usable row). Duplicate rows are kept: they state
the same facts again.

Output conventions the contract leaves open, fixed here and in the README of
``tests/fixtures/handmade_bundle``: flags are ``是``/``否``; ``低保特困`` is ``是`` for any
民政 relief record; dates ``YYYY-MM-DD``; amounts with two decimals; ``发放县`` the
distinct paying counties in ascending order; ``联系人编号`` of a 走访逾期 row the
person's on-duty 包人 contacts in ascending order, joined with ``;``;
``最近走访日期`` the latest visit on or before the reference date (empty if none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from notoneless.synth.systems import World

UNMATCHED_COLUMNS = ("person_id", "姓名", "身份证号", "出生日期", "户籍区划代码", "责任县", "建档立卡", "低保特困", "残疾")
CROSS_COLUMNS = ("person_id", "户籍县", "学籍县", "范围", "资助责任县", "核实责任县")
DUPLICATE_COLUMNS = ("person_id", "学期", "资助项目", "笔数", "发放县", "应发县", "重复金额")
MISSED_COLUMNS = ("person_id", "学期", "资格", "责任县")
GAP_COLUMNS = ("类型", "对象", "区划代码", "联系人编号", "最近走访日期")
FINDING_FILES = {
    "unmatched_children": UNMATCHED_COLUMNS,
    "cross_county_students": CROSS_COLUMNS,
    "duplicate_subsidies": DUPLICATE_COLUMNS,
    "missed_subsidies": MISSED_COLUMNS,
    "contact_gaps": GAP_COLUMNS,
}
PERSON_STEMS = ("hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu")
ID_HEADER = {"hukou": "身份证号", "xueji": "身份证件号", "fupin": "证件号码", "canlian": "身份证号", "minzheng": "身份证号",
             "zizhu": "身份证号"}
COMPULSORY_GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级")


@dataclass
class Facts:
    """Every clean row of one true person, by file."""

    pid: str
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    birth: date | None = None
    birth_known: bool = False

    def of(self, stem: str) -> list[dict[str, str]]:
        return self.rows.get(stem, [])


def _age(birth: date, on: date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def _iso(s: str) -> date:
    return date(int(s[0:4]), int(s[5:7]), int(s[8:10]))


class Oracle:
    def __init__(self, world: World, *, province: str = "43", term: str | None = None,
                 reference_date: date | None = None, school_year_start: date | None = None) -> None:
        cfg = world.config
        self.province = province
        self.term = term or cfg.term
        self.ref = reference_date or cfg.reference_date
        self.start = school_year_start or cfg.school_year_start
        self.school_county = {r.values["学校标识码"]: r.values["区划代码"] for r in world.rows["schools"]}
        self.persons: dict[str, Facts] = {}
        self.key_owner: dict[str, str] = {}  # person key (ID, 学籍号) -> pid
        for stem in PERSON_STEMS:
            for r in world.rows.get(stem, []):
                if r.unusable or r.person is None:
                    continue
                pid = r.person.pid
                self.persons.setdefault(pid, Facts(pid)).rows.setdefault(stem, []).append(r.values)
                for k in (r.values.get(ID_HEADER[stem], ""), r.values.get("学籍号", "")):
                    if k:
                        self.key_owner[k] = pid
        self.contacts = [r.values for r in world.rows.get("contacts", []) if not r.unusable]
        self.visits = [r.values for r in world.rows.get("visits", []) if not r.unusable]

    # -- definitions -------------------------------------------------------------------
    def id_number(self, f: Facts) -> str:
        for stem in PERSON_STEMS:
            for v in f.of(stem):
                if v.get(ID_HEADER[stem]):
                    return v[ID_HEADER[stem]]
        return ""

    def birth(self, f: Facts) -> date | None:
        if not f.birth_known:
            f.birth, f.birth_known = self._birth(f), True
        return f.birth

    def _birth(self, f: Facts) -> date | None:
        idn = self.id_number(f)
        if idn:
            return date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
        for stem in ("hukou", "xueji"):
            for v in f.of(stem):
                if v.get("出生日期"):
                    return _iso(v["出生日期"])
        return None

    def compulsory(self, f: Facts) -> bool:
        b = self.birth(f)
        return b is not None and 6 <= _age(b, self.start) <= 15

    def in_province(self, code: str) -> bool:
        return code.startswith(self.province)

    def registration_village(self, f: Facts) -> str | None:
        """The village of the active registration, or None when there is none."""
        hukou = f.of("hukou")
        if hukou:
            for v in hukou:
                if v["户籍状态"] == "正常" and self.in_province(v["区划代码"]):
                    return v["区划代码"]
            return None
        for stem in ("fupin", "canlian", "minzheng"):
            for v in f.of(stem):
                if self.in_province(v["区划代码"]):
                    return v["区划代码"]
        return None

    def enrolled(self, f: Facts) -> bool:
        return any(v["学籍状态"] in ("在读", "休学") for v in f.of("xueji"))

    def studying(self, f: Facts) -> dict[str, str] | None:
        for v in f.of("xueji"):
            if v["学籍状态"] == "在读":
                return v
        return None

    def ended(self, f: Facts) -> bool:
        statuses = [v["户籍状态"] for v in f.of("hukou")]
        return any(s in ("死亡", "迁出", "注销") for s in statuses) and "正常" not in statuses

    def registration_county(self, f: Facts) -> str | None:
        for v in f.of("hukou"):
            if v["户籍状态"] == "正常":
                return v["区划代码"][:6]
        if f.of("hukou"):
            return f.of("hukou")[0]["区划代码"][:6]
        for v in f.of("xueji"):
            if v.get("户口所在地"):
                return v["户口所在地"][:6]
        return None

    def subsidy_county(self, f: Facts) -> str | None:
        """资助责任县: the school county, except the registration county for 省外就读."""
        s = self.studying(f)
        if s is None:
            return None
        school = self.school_county[s["学校标识码"]]
        reg = self.registration_county(f)
        if reg and self.in_province(reg) and not self.in_province(school):
            return reg
        return school

    def unmatched(self) -> list[dict[str, str]]:
        out = []
        for f in self.persons.values():
            if not self.compulsory(f) or self.enrolled(f) or self.ended(f):
                continue
            village = self.registration_village(f)
            if village is None:
                continue
            name = next(v["姓名"] for stem in PERSON_STEMS for v in f.of(stem))
            b = self.birth(f)
            out.append({
                "person_id": f.pid, "姓名": name, "身份证号": self.id_number(f), "出生日期": b.isoformat() if b else "",
                "户籍区划代码": village, "责任县": village[:6],
                "建档立卡": "是" if f.of("fupin") else "否",
                "低保特困": "是" if f.of("minzheng") else "否",
                "残疾": "是" if f.of("canlian") else "否",
            })
        return sorted(out, key=lambda r: r["person_id"])

    def cross_county(self) -> list[dict[str, str]]:
        out = []
        for f in self.persons.values():
            s = self.studying(f)
            reg = self.registration_county(f)
            if s is None or reg is None:
                continue
            school = self.school_county[s["学校标识码"]]
            if school == reg:
                continue
            if self.in_province(reg) and self.in_province(school):
                scope = "省内跨县"
            elif self.in_province(reg):
                scope = "省外就读"
            elif self.in_province(school):
                scope = "外省户籍"
            else:
                continue
            out.append({"person_id": f.pid, "户籍县": reg, "学籍县": school, "范围": scope,
                        "资助责任县": reg if scope == "省外就读" else school, "核实责任县": school})
        return sorted(out, key=lambda r: r["person_id"])

    def duplicates(self) -> list[dict[str, str]]:
        out = []
        for f in self.persons.values():
            groups: dict[tuple[str, str], list[dict[str, str]]] = {}
            for v in f.of("zizhu"):
                groups.setdefault((v["学期"], v["资助项目"]), []).append(v)
            for (term, project), pays in sorted(groups.items()):
                if len(pays) < 2:
                    continue
                amounts = [float(v["金额"]) for v in pays]
                out.append({
                    "person_id": f.pid, "学期": term, "资助项目": project, "笔数": str(len(pays)),
                    "发放县": ";".join(sorted({v["发放单位区划代码"] for v in pays})),
                    "应发县": self.subsidy_county(f) or "",
                    "重复金额": f"{sum(amounts) - max(amounts):.2f}",
                })
        return sorted(out, key=lambda r: (r["person_id"], r["学期"], r["资助项目"]))

    def qualifications(self, f: Facts) -> list[str]:
        reliefs = {v["救助类型"] for v in f.of("minzheng")}
        quals = []
        if f.of("fupin"):
            quals.append("建档立卡")
        if "农村低保" in reliefs:
            quals.append("低保")
        if "农村特困" in reliefs:
            quals.append("特困")
        if f.of("canlian"):
            quals.append("残疾")
        return quals

    def missed(self) -> list[dict[str, str]]:
        out = []
        for f in self.persons.values():
            s = self.studying(f)
            if s is None or s["年级"] not in COMPULSORY_GRADES:
                continue
            quals = self.qualifications(f)
            if not quals or any(v["学期"] == self.term for v in f.of("zizhu")):
                continue
            out.append({"person_id": f.pid, "学期": self.term, "资格": ";".join(quals),
                        "责任县": self.subsidy_county(f) or ""})
        return sorted(out, key=lambda r: r["person_id"])

    def contact_gaps(self, unmatched_ids: set[str]) -> list[dict[str, str]]:
        on_duty = [c for c in self.contacts if c["状态"] == "在岗"]
        villages_covered = {c["包保对象"] for c in on_duty if c["包保类型"] == "包村"}
        households_covered = {c["包保对象"] for c in on_duty if c["包保类型"] == "包户"}
        person_contacts: dict[str, set[str]] = {}
        for c in on_duty:
            if c["包保类型"] == "包人" and c["包保对象"] in self.key_owner:
                person_contacts.setdefault(self.key_owner[c["包保对象"]], set()).add(c["联系人编号"])
        window_start = self.ref - timedelta(days=29)
        visit_dates: dict[str, list[date]] = {}
        for v in self.visits:
            d = _iso(v["走访日期"])
            if d <= self.ref:
                visit_dates.setdefault(v["包保对象"], []).append(d)
        out = []
        gap_villages: set[str] = set()
        for f in self.persons.values():
            if not self.compulsory(f) or not (f.of("fupin") or f.pid in unmatched_ids):
                continue
            village = self.registration_village(f) or ""
            if village and village not in villages_covered:
                gap_villages.add(village)
            households = {v["户编号"] for v in f.of("fupin")} | {v["户号"] for v in f.of("hukou")}
            if not households & households_covered:
                out.append({"类型": "包户缺位", "对象": f.pid, "区划代码": village, "联系人编号": "", "最近走访日期": ""})
            contacts = person_contacts.get(f.pid)
            if not contacts:
                out.append({"类型": "包人缺位", "对象": f.pid, "区划代码": village, "联系人编号": "", "最近走访日期": ""})
                continue
            keys = self._keys(f)
            dates = sorted(d for k in keys | households for d in visit_dates.get(k, ()))
            if not dates or dates[-1] < window_start:
                out.append({"类型": "走访逾期", "对象": f.pid, "区划代码": village,
                            "联系人编号": ";".join(sorted(contacts)),
                            "最近走访日期": dates[-1].isoformat() if dates else ""})
        for v in sorted(gap_villages):
            out.append({"类型": "包村缺位", "对象": v, "区划代码": v, "联系人编号": "", "最近走访日期": ""})
        order = {"包村缺位": 0, "包户缺位": 1, "包人缺位": 2, "走访逾期": 3}
        return sorted(out, key=lambda r: (order[r["类型"]], r["对象"]))

    def _keys(self, f: Facts) -> set[str]:
        keys = set()
        for stem in PERSON_STEMS:
            for v in f.of(stem):
                for k in (v.get(ID_HEADER[stem], ""), v.get("学籍号", "")):
                    if k:
                        keys.add(k)
        return keys

    def findings(self) -> dict[str, list[dict[str, str]]]:
        unmatched = self.unmatched()
        return {
            "unmatched_children": unmatched,
            "cross_county_students": self.cross_county(),
            "duplicate_subsidies": self.duplicates(),
            "missed_subsidies": self.missed(),
            "contact_gaps": self.contact_gaps({r["person_id"] for r in unmatched}),
        }
