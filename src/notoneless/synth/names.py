"""Chinese personal names for the simulated population, and the ways people miswrite
them (traditional characters, homophones, dot variants).

Surnames include the ones a naive pinyin conversion reads wrongly (单 shàn, 曾 zēng,
区 ōu, 仇 qiú, 解 xiè, 查 zhā) and compound ones (欧阳, 司马, 诸葛, 上官). Minority
names of 维吾尔族 families are written with a middle dot (``阿依古丽·买买提``); the
Miao, Dong, Tujia and Yao families of western Hunan use Han-style names.

Homophones are found with pypinyin (same toneless reading) over a pool of common
name characters, so a substituted name is one a clerk could really type from
hearing it; traditional forms come from OpenCC (s2t).
"""

from __future__ import annotations

import random
from functools import lru_cache
from itertools import accumulate

# (surname, weight); weights roughly follow their frequency in Hunan.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("李", 7.0), ("王", 6.5), ("张", 6.0), ("刘", 5.5), ("陈", 5.0), ("杨", 4.0), ("黄", 3.0),
    ("周", 2.5), ("吴", 2.5), ("彭", 2.0), ("唐", 2.0), ("邓", 2.0), ("肖", 2.0), ("向", 1.8),
    ("谭", 1.8), ("罗", 1.8), ("胡", 1.5), ("曾", 1.5), ("蒋", 1.5), ("舒", 1.2), ("田", 1.2),
    ("龙", 1.2), ("杜", 1.0), ("姚", 1.0), ("石", 1.0), ("徐", 1.0), ("许", 0.8), ("贺", 0.8),
    ("谢", 1.0), ("袁", 0.8), ("吕", 0.6), ("雷", 0.8), ("邹", 0.6), ("易", 0.8), ("江", 0.6),
    ("姜", 0.5), ("付", 0.6), ("傅", 0.4), ("余", 0.6), ("于", 0.4), ("程", 0.5), ("成", 0.4),
    ("韦", 0.3), ("魏", 0.5), ("萧", 0.2), ("汪", 0.4), ("章", 0.3), ("黎", 0.4), ("柳", 0.2),
    ("伍", 0.4), ("滕", 0.4), ("粟", 0.4), ("蒲", 0.3), ("覃", 0.4), ("瞿", 0.2), ("麻", 0.3),
    ("单", 0.3), ("区", 0.15), ("仇", 0.15), ("解", 0.15), ("查", 0.15), ("乐", 0.1),
    ("欧阳", 0.3), ("司马", 0.08), ("诸葛", 0.06), ("上官", 0.06),
)
COMPOUND_SURNAMES = frozenset(s for s, _ in SURNAMES if len(s) == 2)

GIVEN_MALE = "伟强磊军洋勇杰涛明超辉浩宇轩俊博文峰鹏华建国志宏斌鑫昊睿泽晨阳航天梓皓嘉家振海林兴亮成龙坤凯豪然铭哲瑞锦翔毅彬东恒子一"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲婷雪慧琳欣怡雨萱涵诗梦悦佳可馨彤妍晨思若晴瑶琪颖露倩蕾雯楠月紫依嘉子蓉兰凤红梅燕"

# Generation characters (字辈) siblings share as the first of two given-name characters.
GENERATION_CHARACTERS = "子梓嘉家思宇雨晨文佳一俊欣"

# Characters a clerk may write instead of one that sounds the same.
_HOMOPHONE_POOL = (
    "伟玮炜卫维薇蔚军君均俊骏峻杰洁捷婕洋阳扬杨涛韬滔明鸣铭敏民静婧靖敬晶菁丽莉俐立力利艳燕彦雁"
    "娟鹃霞侠玲琳林霖婷庭亭雪慧惠蕙辉晖欣馨新心鑫怡宜仪艺亦逸雨宇羽语禹玉涵寒函晗诗思丝梦孟悦月岳越"
    "佳家嘉加彤桐童妍研言晨辰臣若瑶遥尧琪琦奇淇颖莹英盈倩茜蕾磊雷雯文闻楠南紫子梓依伊蓉荣容兰岚凤峰"
    "锋丰枫红宏鸿洪梅媚美强勇永涌超潮浩昊皓豪轩萱宣博波伯斌彬鹏朋华桦建剑健国志智致海亮成诚城龙隆"
    "坤凯恺然哲喆瑞睿晓锦瑾翔祥毅义东冬恒航天添一振震兴星露璐路鹿秀绣可珂柯芳方航"
)
# Surname homophones (same toneless reading), checked against pypinyin in the tests.
SURNAME_HOMOPHONES: dict[str, str] = {
    "张": "章", "章": "张", "王": "汪", "汪": "王", "李": "黎", "黎": "李", "刘": "柳", "柳": "刘",
    "吴": "伍", "伍": "吴", "徐": "许", "许": "徐", "江": "姜", "姜": "江", "付": "傅", "傅": "付",
    "肖": "萧", "萧": "肖", "程": "成", "成": "程", "余": "于", "于": "余", "韦": "魏", "魏": "韦",
    "杨": "阳", "谭": "覃",
}

# 维吾尔族 names: a personal name, a middle dot, the father's personal name.
UYGHUR_MALE = ("买买提", "艾尔肯", "阿布都", "吐尔逊", "阿力木", "依明", "帕尔哈提", "麦合木提", "努尔艾力", "伊力哈木")
UYGHUR_FEMALE = ("阿依古丽", "古丽娜尔", "迪丽热巴", "热依拉", "米热古丽", "努尔古丽", "帕提古丽", "阿依努尔")
DOTS = ("·", ".", "•")


_SURNAME_VALUES = [s for s, _ in SURNAMES]
_SURNAME_CUM = list(accumulate(w for _, w in SURNAMES))


def pick_surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_VALUES, cum_weights=_SURNAME_CUM)[0]


def pick_given(rng: random.Random, sex: str) -> str:
    """A one-character (about a quarter) or two-character given name."""
    pool = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
    if rng.random() < 0.25:
        return rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return first + second


def pick_uyghur(rng: random.Random, sex: str) -> str:
    return rng.choice(UYGHUR_MALE if sex == "M" else UYGHUR_FEMALE)


@lru_cache(maxsize=1)
def homophone_table() -> dict[str, tuple[str, ...]]:
    """character -> other characters of the pool with the same toneless pinyin."""
    from pypinyin import Style, lazy_pinyin

    groups: dict[str, list[str]] = {}
    for ch in dict.fromkeys(_HOMOPHONE_POOL):  # ordered, de-duplicated
        groups.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    table: dict[str, tuple[str, ...]] = {}
    for members in groups.values():
        for ch in members:
            others = tuple(o for o in members if o != ch)
            if others:
                table[ch] = others
    return table


def homophone_variant(rng: random.Random, surname: str, given: str) -> str | None:
    """The name with one character replaced by a same-sounding one, or None when no
    character of it has a homophone in the pool."""
    table = homophone_table()
    options: list[tuple[int, str]] = []
    if surname in SURNAME_HOMOPHONES:
        options.append((-1, SURNAME_HOMOPHONES[surname]))
    for i, ch in enumerate(given):
        for other in table.get(ch, ()):
            options.append((i, other))
    if not options:
        return None
    pos, repl = rng.choice(options)
    if pos < 0:
        return repl + given
    return surname + given[:pos] + repl + given[pos + 1 :]


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(name: str) -> str:
    """The name in traditional characters (OpenCC s2t); unchanged if it has none."""
    return _s2t().convert(name)
