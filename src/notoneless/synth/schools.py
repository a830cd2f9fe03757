"""Schools of the simulated prefecture (all five 办学类型 in every county) and a few
schools in out-of-province counties, with 10-digit 学校标识码."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from notoneless.normalize.vocabulary import GRADES_COMPULSORY, GRADES_HIGH
from notoneless.synth.geography import OUT_OF_PROVINCE, Geography

PRIMARY, JUNIOR, NINE_YEAR, SPECIAL, HIGH = "小学", "初中", "九年一贯制学校", "特殊教育学校", "高中"


@dataclass(eq=False, slots=True)
class School:
    school_id: str
    name: str
    county_code: str
    school_type: str

    def teaches(self, grade_index: int) -> bool:
        """Whether the school has grade `grade_index` (0 = 一年级 … 8 = 九年级, 9–11 = 高一–高三)."""
        if self.school_type == PRIMARY:
            return grade_index <= 5
        if self.school_type == JUNIOR:
            return 6 <= grade_index <= 8
        if self.school_type in (NINE_YEAR, SPECIAL):
            return grade_index <= 8
        return grade_index >= 9


@dataclass
class SchoolDirectory:
    schools: list[School]
    by_county: dict[str, list[School]]
    _cands: dict[tuple[str, int, bool], list[School]] = field(default_factory=dict)

    def _candidates(self, county_code: str, grade_index: int, special: bool) -> list[School]:
        key = (county_code, grade_index, special)
        if key not in self._cands:
            pool = self.by_county[county_code]
            if special:
                self._cands[key] = [s for s in pool if s.school_type == SPECIAL]
            else:
                self._cands[key] = [s for s in pool if s.school_type != SPECIAL and s.teaches(grade_index)]
        return self._cands[key]

    def pick(self, rng: random.Random, county_code: str, grade_index: int, *, special: bool = False,
             avoid: School | None = None) -> School:
        """A school of the county for the grade (another than `avoid` where there is one)."""
        cands = self._candidates(county_code, grade_index, special)
        if avoid is not None and len(cands) > 1:
            cands = [s for s in cands if s is not avoid]
        return rng.choice(cands)


def build_schools(rng: random.Random, geo: Geography) -> SchoolDirectory:
    schools: list[School] = []
    by_county: dict[str, list[School]] = {}

    def add(county: str, name: str, kind: str) -> None:
        seq = len(by_county.setdefault(county, [])) + 1
        school = School(f"1{county}{seq:03d}", name, county, kind)
        by_county[county].append(school)
        schools.append(school)

    for county in geo.counties:
        short = county.name
        towns = county.towns
        for t in towns:
            add(county.code, f"{short}{t.name}中心小学", PRIMARY)
        for t in towns[::2]:
            add(county.code, f"{short}{t.name}中学", JUNIOR)
        for t in towns[1::3]:
            add(county.code, f"{short}{t.name}九年一贯制学校", NINE_YEAR)
        add(county.code, f"{short}城关第一小学", PRIMARY)
        add(county.code, f"{short}第一中学", HIGH)
        if len(towns) > 6:
            add(county.code, f"{short}第二中学", HIGH)
        add(county.code, f"{short}特殊教育学校", SPECIAL)
    for code in geo.out_of_province:
        name = OUT_OF_PROVINCE[code][0]
        add(code, f"{name}实验小学", PRIMARY)
        add(code, f"{name}外来务工子弟学校", NINE_YEAR)
        add(code, f"{name}第三初级中学", JUNIOR)
    rng.shuffle(schools)  # the file is not in county order
    return SchoolDirectory(schools, by_county)


def grade_label(grade_index: int) -> str:
    labels = GRADES_COMPULSORY + GRADES_HIGH
    return labels[grade_index]
