"""Everything that can be tuned about the simulated world, in one place.

`WorldConfig` holds the size, the comparison's term and reference date, the rates of
the hard cases (`HardCaseRates`), of what hand-typed relief lists do besides dirt
(`HandListRates`) and, per source system, the rates of dirt (`DirtRates`). Defaults
aim at what real county extracts look like: most records clean, the poverty
registry (fupin) dirtiest, the household registry (hukou) cleanest. All rates are
probabilities per record (or per child / household where the docstring says so).

Two named profiles (`PROFILES`, chosen with `world_config`): ``default``, the
generator as it always was (same seed, byte-identical files), and ``hard``, where the
poverty (fupin), relief (minzheng) and disability (canlian) lists are typed by hand
in the villages: more missing and mistyped ID numbers there (a relative's ID among
them), household heads written differently from the 户籍 (homophones, traditional
characters, the other parent, a grandparent), siblings named with one generation
character (张子涵 / 张子豪), the same full name twice in one village, and children
listed in their grandparents' household. hukou and xueji stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date


@dataclass(frozen=True)
class HardCaseRates:
    """Situations that break exact matching or make findings; per child unless noted."""

    twins: float = 0.03  # per household with 2+ children: two of them are twins
    namesakes: float = 0.006  # child given the name and birth date of a child in another village
    no_id: float = 0.006  # child with no ID number: 学籍号 L…, empty 身份证件号, no hukou row
    transfer_duplicate: float = 0.02  # enrolled child with an extra 转出 row at a former school
    cross_county: float = 0.03  # 省内跨县: school in another county of the province
    out_of_province_study: float = 0.012  # 省外就读: registered here, school in another province
    out_of_province_hukou: float = 0.01  # 外省户籍: registered in another province, school here
    not_enrolled: float = 0.012  # compulsory age, 正常 hukou, no enrolment (a finding)
    graduated_or_transferred_only: float = 0.003  # compulsory age with only a 转出/毕业 row (a finding)
    moved_out: float = 0.004  # hukou 迁出 and not enrolled here (not a finding)
    dead: float = 0.0015  # hukou 死亡 (not a finding)
    cancelled: float = 0.0005  # hukou 注销 (not a finding)
    moved_within: float = 0.006  # a 迁出 row in a former village besides the 正常 one
    suspended: float = 0.005  # 休学 (enrolled, not 在读)
    special_school: float = 0.3  # per disabled enrolled child: at the 特殊教育学校
    # payments
    eligible_not_paid: float = 0.05  # eligible enrolled child with no payment this term (漏助)
    paid_twice_two_counties: float = 0.25  # per paid 省内跨县 child: registration county pays too
    paid_twice_same_county: float = 0.012  # per paid child: the same county pays twice
    needy_paid: float = 0.03  # per enrolled child without an eligibility record: paid anyway
    # contacts (三包)
    village_contact_missing: float = 0.03
    village_contact_off_duty: float = 0.04  # only a 离岗 包村 contact
    household_contact_missing: float = 0.05  # per fupin household
    household_contact_off_duty: float = 0.03
    person_contact_missing: float = 0.06  # per fupin child of compulsory age
    person_contact_off_duty: float = 0.03
    person_contact_for_unmatched: float = 0.3  # per unmatched child: already has a 包人 contact
    visit_overdue: float = 0.15  # per child with an on-duty 包人 contact: last visit > 30 days ago


@dataclass(frozen=True)
class PopulationRates:
    """Who is in which registry; per household unless noted."""

    fupin: float = 0.12  # 建档立卡 household
    dibao: float = 0.07  # 农村低保 household (most also fupin)
    tekun: float = 0.01  # 农村特困 household
    urban_dibao: float = 0.02  # 城市低保 (does not make a child eligible)
    disabled_child: float = 0.015  # per child
    disabled_adult: float = 0.03  # per parent
    uyghur: float = 0.004  # 维吾尔族 family with dotted names
    single_parent: float = 0.08
    boarding: float = 0.35  # per enrolled child


@dataclass(frozen=True)
class DirtRates:
    """Dirt of one source system, per record (ID and name kinds are exclusive)."""

    id_missing: float = 0.0
    id_cosmetic: float = 0.0  # lower-case x, spaces, full-width digits, leading apostrophe
    id_typo: float = 0.0  # one mistyped digit
    id_transposition: float = 0.0  # two adjacent digits swapped
    id_bad_check: float = 0.0  # wrong check digit
    id_len15: float = 0.0  # legacy 15-digit form (adults born before 2000 only)
    id_sci: float = 0.0  # Excel scientific notation, unrecoverable
    id_disability_cert: float = 0.0  # 20-digit 残疾人证号 where the ID belongs (canlian)
    id_relative: float = 0.0  # the valid ID of another member of the household (a parent's, a sibling's)
    name_traditional: float = 0.0
    name_homophone: float = 0.0
    name_swapped: float = 0.0  # given name first
    name_space: float = 0.0  # inner (half- or full-width) space
    name_dot_variant: float = 0.5  # per dotted (minority) name: `.` or `•` instead of `·`
    date_other_format: float = 0.0  # share of dates not in the system's usual format
    sex_other_code: float = 0.0  # share of sexes not written 男/女
    target_typo: float = 0.0  # contacts/visits: typo inside 包保对象
    duplicate_row: float = 0.0  # the same person twice in the file (same facts)
    unusable: float = 0.0  # an extra row with neither a usable ID nor a name


DEFAULT_DIRT: dict[str, DirtRates] = {
    "hukou": DirtRates(
        id_cosmetic=0.004, id_typo=0.001, id_len15=0.01, name_traditional=0.002, name_space=0.002,
        date_other_format=0.02, sex_other_code=0.0, unusable=0.0005,
    ),
    "xueji": DirtRates(
        id_missing=0.005, id_cosmetic=0.01, id_typo=0.004, id_transposition=0.003, id_bad_check=0.002,
        name_traditional=0.005, name_homophone=0.006, name_swapped=0.001, name_space=0.006,
        date_other_format=0.05, sex_other_code=0.02, unusable=0.0008,
    ),
    "fupin": DirtRates(
        id_missing=0.01, id_cosmetic=0.05, id_typo=0.015, id_transposition=0.01, id_bad_check=0.008,
        id_len15=0.03, id_sci=0.006, name_traditional=0.015, name_homophone=0.02, name_swapped=0.006,
        name_space=0.02, name_dot_variant=0.7, sex_other_code=0.08, duplicate_row=0.005, unusable=0.003,
    ),
    "canlian": DirtRates(
        id_cosmetic=0.02, id_typo=0.006, id_transposition=0.004, id_bad_check=0.004, id_len15=0.02,
        id_disability_cert=0.12, name_traditional=0.01, name_homophone=0.008, name_space=0.01,
        sex_other_code=0.05, unusable=0.002,
    ),
    "minzheng": DirtRates(
        id_missing=0.005, id_cosmetic=0.03, id_typo=0.008, id_transposition=0.006, id_bad_check=0.004,
        id_len15=0.02, id_sci=0.004, name_traditional=0.01, name_homophone=0.012, name_swapped=0.003,
        name_space=0.012, sex_other_code=0.3, duplicate_row=0.003, unusable=0.002,
    ),
    "zizhu": DirtRates(
        id_missing=0.03, id_cosmetic=0.03, id_typo=0.008, id_transposition=0.006, id_bad_check=0.004,
        id_sci=0.01, name_traditional=0.008, name_homophone=0.01, name_space=0.01, date_other_format=0.15,
    ),
    "contacts": DirtRates(id_cosmetic=0.03, target_typo=0.03),
    "visits": DirtRates(id_cosmetic=0.03, target_typo=0.03, date_other_format=0.2),
}


# The kinds of dirt that `scaled_dirt` multiplies: those that break an exact match on
# the ID number or the name. Formats (dates, sex codes, dot variants) stay as they are.
SCALED_KINDS = (
    "id_missing", "id_cosmetic", "id_typo", "id_transposition", "id_bad_check", "id_len15", "id_sci",
    "id_disability_cert", "id_relative", "name_traditional", "name_homophone", "name_swapped", "name_space",
)


def scaled_dirt(factor: float, base: dict[str, DirtRates] | None = None) -> dict[str, DirtRates]:
    """``base`` (default `DEFAULT_DIRT`) with every ID and name dirt rate times ``factor``.

    The defaults describe an average county; ``factor`` 3 describes the counties whose
    relief and payment lists are typed by hand from paper (the ones where matching by ID
    number in Excel misses most children). The ID kinds of one record are exclusive, so
    their sum must stay below 1 (checked); so must the name kinds'.
    """
    if factor < 0:
        raise ValueError(f"dirt factor must be >= 0, got {factor}")
    out = {}
    for stem, rates in (base or DEFAULT_DIRT).items():
        changed = {k: getattr(rates, k) * factor for k in SCALED_KINDS}
        for prefix in ("id_", "name_"):
            total = sum(v for k, v in changed.items() if k.startswith(prefix))
            if total >= 1:
                raise ValueError(f"dirt factor {factor} makes {stem}'s {prefix}* rates sum to {total:.2f} (must stay < 1)")
        out[stem] = replace(rates, **changed)
    return out


@dataclass(frozen=True)
class HandListRates:
    """What the hand-typed village lists (fupin, minzheng, canlian) do besides dirt.

    All zero in the default profile (then no random number is drawn for them, so the
    default output stays as it was). Each is something real lists show:
    """

    # per household with 2+ children: the children share a generation character (字辈),
    # 张子涵 / 张子豪, as many rural families name them
    generation_names: float = 0.0
    # per child: another child of the same village, in another household, has the same
    # full name (another birth date); common names repeat within a village
    village_namesakes: float = 0.0
    # per village household with children: the (paternal) grandparents have their own 户
    # in the same village (two generations, two 户口簿)
    grandparents: float = 0.0
    # per such household on a fupin or minzheng list: the children are listed in the
    # grandparents' household there (留守儿童 registered for aid where they live)
    listed_under_grandparent: float = 0.0
    # per household and list (fupin, minzheng): 户主姓名 not as in the 户籍: a homophone, traditional
    # characters, the other parent as head, or a grandparent as head (relations follow the head)
    head_name_varies: float = 0.0


def _hand_typed(rates: DirtRates, **more: float) -> DirtRates:
    """`rates` with the given kinds raised to these values."""
    return replace(rates, **more)


# The hard profile's dirt: hukou and xueji as in the default; the three village lists with
# about four times the missing and mistyped IDs, a relative's ID now and then, and more
# names typed from hearing. Still below what `scaled_dirt` 3 makes of the default.
HARD_DIRT: dict[str, DirtRates] = {
    **DEFAULT_DIRT,
    "fupin": _hand_typed(DEFAULT_DIRT["fupin"], id_missing=0.06, id_typo=0.04, id_transposition=0.02,
                         id_relative=0.008, name_homophone=0.035, name_traditional=0.02),
    "minzheng": _hand_typed(DEFAULT_DIRT["minzheng"], id_missing=0.03, id_typo=0.025, id_transposition=0.012,
                            id_relative=0.005, name_homophone=0.02),
    "canlian": _hand_typed(DEFAULT_DIRT["canlian"], id_missing=0.02, id_typo=0.015, id_transposition=0.008,
                           id_relative=0.003, name_homophone=0.015),
}

HARD_LISTS = HandListRates(generation_names=0.3, village_namesakes=0.01, grandparents=0.25,
                           listed_under_grandparent=0.3, head_name_varies=0.2)

# name -> (base dirt, hand-list rates)
PROFILES: dict[str, tuple[dict[str, DirtRates], HandListRates]] = {
    "default": (DEFAULT_DIRT, HandListRates()),
    "hard": (HARD_DIRT, HARD_LISTS),
}


@dataclass(frozen=True)
class WorldConfig:
    """The size and the rules of one generated prefecture."""

    counties: int = 4
    children_per_county: int = 15_000
    seed: int = 20251015
    term: str = "2025秋"
    reference_date: date = date(2025, 10, 15)
    hard: HardCaseRates = field(default_factory=HardCaseRates)
    population: PopulationRates = field(default_factory=PopulationRates)
    dirt: dict[str, DirtRates] = field(default_factory=lambda: dict(DEFAULT_DIRT))
    profile: str = "default"  # a name of `PROFILES` (a label; `lists` and `dirt` hold its rates)
    lists: HandListRates = field(default_factory=HandListRates)

    @property
    def school_year_start(self) -> date:
        year = int(self.term[:4])
        return date(year, 9, 1) if self.term.endswith("秋") else date(year - 1, 9, 1)

    @property
    def previous_term(self) -> str:
        year = int(self.term[:4])
        return f"{year}春" if self.term.endswith("秋") else f"{year - 1}秋"

    @property
    def villages_per_county(self) -> int:
        """About 150 children per village at full size, at least 12 villages."""
        return max(12, min(150, self.children_per_county // 150))


def world_config(profile: str = "default", dirt: float = 1.0, **size) -> WorldConfig:
    """The `WorldConfig` of a named profile (``default`` or ``hard``), its ID and name dirt
    times ``dirt`` (`scaled_dirt`); ``size``: counties, children_per_county, seed, ..."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    base, lists = PROFILES[profile]
    return WorldConfig(dirt=scaled_dirt(dirt, base), profile=profile, lists=lists, **size)
