"""The simulated jurisdiction: province 43 (湖南), real county codes, generated towns
(乡/镇, 9-digit codes) and villages (村, 12-digit codes) nested under them, and a few
out-of-province counties (county level only) where some children study or are
registered.

County codes and names are real (GB/T 2260). Each county also carries the code that
was valid before its prefecture became a city (怀化 1997, 娄底 1999): adults born
earlier carry that older region prefix in their ID numbers, and python-stdnum checks
the prefix against the birth year.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from notoneless.errors import ConfigError

PROVINCE_CODE = "43"
PROVINCE_NAME = "湖南省"


@dataclass(frozen=True)
class CountyInfo:
    code: str
    name: str
    legacy_code: str | None  # region prefix for people born before `legacy_until`
    legacy_until: int  # first birth year that uses `code`
    minority: tuple[tuple[str, float], ...] = ()  # (民族, share) besides 汉族


_MIAO = (("苗族", 0.45), ("土家族", 0.05))
_DONG = (("侗族", 0.55), ("苗族", 0.05))
_MIAO_DONG = (("苗族", 0.3), ("侗族", 0.3))
_TUJIA = (("土家族", 0.45), ("苗族", 0.3))
_FEW = (("苗族", 0.03), ("侗族", 0.02), ("瑶族", 0.01))

# prefecture code -> (prefecture name, counties in order of use)
PREFECTURES: dict[str, tuple[str, tuple[CountyInfo, ...]]] = {
    "4312": (
        "怀化市",
        (
            CountyInfo("431202", "鹤城区", "433001", 1997, _FEW),
            CountyInfo("431221", "中方县", "433021", 1997, _FEW),
            CountyInfo("431222", "沅陵县", "433022", 1997, (("土家族", 0.2), ("苗族", 0.05))),
            CountyInfo("431223", "辰溪县", "433023", 1997, (("苗族", 0.15), ("土家族", 0.05))),
            CountyInfo("431224", "溆浦县", "433024", 1997, (("瑶族", 0.05), ("苗族", 0.03))),
            CountyInfo("431225", "会同县", "433029", 1997, _DONG),
            CountyInfo("431226", "麻阳苗族自治县", "433025", 1997, _MIAO),
            CountyInfo("431227", "新晃侗族自治县", "433026", 1997, _DONG),
            CountyInfo("431228", "芷江侗族自治县", "433027", 1997, _DONG),
            CountyInfo("431229", "靖州苗族侗族自治县", "433030", 1997, _MIAO_DONG),
            CountyInfo("431230", "通道侗族自治县", "433031", 1997, _DONG),
            CountyInfo("431281", "洪江市", "433002", 1997, _FEW),
        ),
    ),
    "4331": (
        "湘西土家族苗族自治州",
        (
            CountyInfo("433101", "吉首市", "433121", 1982, _TUJIA),
            CountyInfo("433122", "泸溪县", None, 0, _TUJIA),
            CountyInfo("433123", "凤凰县", None, 0, _MIAO),
            CountyInfo("433124", "花垣县", None, 0, _MIAO),
            CountyInfo("433125", "保靖县", None, 0, _TUJIA),
            CountyInfo("433126", "古丈县", None, 0, _TUJIA),
            CountyInfo("433127", "永顺县", None, 0, _TUJIA),
            CountyInfo("433130", "龙山县", None, 0, _TUJIA),
        ),
    ),
    "4313": (
        "娄底市",
        (
            CountyInfo("431302", "娄星区", "432501", 1999, ()),
            CountyInfo("431321", "双峰县", "432522", 1999, ()),
            CountyInfo("431322", "新化县", "432524", 1999, (("瑶族", 0.02),)),
            CountyInfo("431381", "冷水江市", "432502", 1999, ()),
            CountyInfo("431382", "涟源市", "432503", 1999, ()),
        ),
    ),
}

MAX_COUNTIES = sum(len(c) for _, c in PREFECTURES.values())

# Out-of-province counties (county level only in the bundle): code -> (name, province).
OUT_OF_PROVINCE: dict[str, tuple[str, str]] = {
    "440306": ("宝安区", "广东省"),
    "330782": ("义乌市", "浙江省"),
    "320583": ("昆山市", "江苏省"),
    "350582": ("晋江市", "福建省"),
}

# Syllables for generated place names (real-sounding, not real places).
_PLACE_A = "龙大小石黄白青桥江河山水花马牛鸡枫竹桃柳杨松梅兰金银铜铁新老上下东西南北中前后高低长平安太和福寿"
_PLACE_B = "潭溪坪岩塘冲坡湾洞坳田湖桥口岭坝寨洲村铺屯园林滩坎垅堡湾源"


@dataclass(eq=False)
class Village:
    code: str  # 12 digits
    name: str
    town: Town
    county: County


@dataclass(eq=False)
class Town:
    code: str  # 9 digits
    name: str
    county: County
    villages: list[Village] = field(default_factory=list)


@dataclass(eq=False)
class County:
    info: CountyInfo
    prefecture_code: str
    prefecture_name: str
    towns: list[Town] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.info.code

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def villages(self) -> list[Village]:
        return [v for t in self.towns for v in t.villages]

    def region_for_birth_year(self, year: int) -> str:
        """The 6-digit region prefix an ID number issued to someone born in `year` carries."""
        if self.info.legacy_code and year < self.info.legacy_until:
            return self.info.legacy_code
        return self.info.code


@dataclass
class Geography:
    counties: list[County]
    out_of_province: list[str]  # county codes of other provinces

    @property
    def villages(self) -> list[Village]:
        return [v for c in self.counties for v in c.villages]

    @property
    def prefectures(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for c in self.counties:
            seen.setdefault(c.prefecture_code, c.prefecture_name)
        return list(seen.items())

    def division_rows(self) -> list[dict[str, str]]:
        """Rows of ``divisions.csv``: province, prefectures, counties, towns, villages,
        then out-of-province counties (with no parent row in the file)."""
        rows = [{"区划代码": PROVINCE_CODE, "名称": PROVINCE_NAME, "级别": "省", "上级代码": ""}]
        for code, name in self.prefectures:
            rows.append({"区划代码": code, "名称": name, "级别": "市", "上级代码": PROVINCE_CODE})
        for c in self.counties:
            rows.append({"区划代码": c.code, "名称": c.name, "级别": "县", "上级代码": c.prefecture_code})
        for c in self.counties:
            for t in c.towns:
                rows.append({"区划代码": t.code, "名称": t.name, "级别": "乡", "上级代码": c.code})
                for v in t.villages:
                    rows.append({"区划代码": v.code, "名称": v.name, "级别": "村", "上级代码": t.code})
        for code in self.out_of_province:
            rows.append({"区划代码": code, "名称": OUT_OF_PROVINCE[code][0], "级别": "县", "上级代码": ""})
        return rows


def _place_names(rng: random.Random, n: int, suffixes: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(suffixes)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def build_geography(rng: random.Random, n_counties: int, villages_per_county: int) -> Geography:
    """The first `n_counties` real counties (怀化市 first, then 湘西州, 娄底市), each with
    towns and about `villages_per_county` villages."""
    if not 1 <= n_counties <= MAX_COUNTIES:
        raise ConfigError(f"县的数量必须在 1 到 {MAX_COUNTIES} 之间 (--counties {n_counties}); choose a smaller number")
    infos = [(pc, pn, ci) for pc, (pn, cis) in PREFECTURES.items() for ci in cis][:n_counties]
    counties: list[County] = []
    for pc, pn, ci in infos:
        county = County(ci, pc, pn)
        n_towns = max(3, min(20, round(villages_per_county / 10)))
        town_names = _place_names(rng, n_towns, ("镇", "镇", "乡"))
        for i, tname in enumerate(town_names):
            digit = "2" if tname.endswith("乡") else "1"
            town = Town(f"{ci.code}{digit}{i + 1:02d}", tname, county)
            n_vill = max(2, round(villages_per_county / n_towns * rng.uniform(0.7, 1.3)))
            for j, vname in enumerate(_place_names(rng, n_vill, ("村",))):
                town.villages.append(Village(f"{town.code}{200 + j + 1:03d}", vname, town, county))
            county.towns.append(town)
        counties.append(county)
    return Geography(counties, list(OUT_OF_PROVINCE))
