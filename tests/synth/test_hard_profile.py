"""The generator's hard profile (hand-typed village lists) produces each of its
situations at about its rate, counted in what the files say and in the answer key,
the answer key stays right for them, and the default profile is what it always was."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from stdnum.cn import ric

from notoneless.synth import WorldConfig, build_world, generate_bundle
from notoneless.synth.rates import (
    DEFAULT_DIRT,
    HARD_DIRT,
    HARD_LISTS,
    scaled_dirt,
    world_config,
)
from notoneless.synth.systems import World

SIZE = {"counties": 2, "children_per_county": 1500, "seed": 3}
ID_COLUMN = {"hukou": "身份证号", "xueji": "身份证件号", "fupin": "证件号码", "canlian": "身份证号", "minzheng": "身份证号"}


@pytest.fixture(scope="module")
def hard() -> World:
    return build_world(world_config("hard", **SIZE))


@pytest.fixture(scope="module")
def default() -> World:
    return build_world(world_config("default", **SIZE))


def _digest(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(out)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_default_profile_is_the_generator_as_it_was(tmp_path: Path) -> None:
    """The digest of the bundle and truth the generator wrote before profiles existed
    (commit 2e61b9d, same configuration): figures on the default stay comparable."""
    assert world_config("default") == WorldConfig()
    assert world_config("default", 3, seed=9) == WorldConfig(seed=9, dirt=scaled_dirt(3))
    generate_bundle(tmp_path, world_config("default", counties=2, children_per_county=300, seed=22), ("csv",))
    assert _digest(tmp_path) == "96d67e5a2b88d33b48bc0163fde6d741af02056d3a657a9a67733ce10d1fac51"


def test_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="default, hard"):
        world_config("harder")


def _id_dirt_share(world: World, stem: str, kinds: tuple[str, ...]) -> float:
    rows = [r for r in world.rows[stem] if not r.extra]
    return sum(any(k in kinds for _c, k in r.dirt) for r in rows) / len(rows)


def test_village_lists_have_more_missing_and_mistyped_ids_hukou_and_xueji_do_not(hard: World, default: World) -> None:
    bad = ("id_missing", "id_typo", "id_transposition", "id_relative")
    for stem in ("fupin", "minzheng", "canlian"):
        expected = sum(getattr(HARD_DIRT[stem], k) for k in bad)
        share = _id_dirt_share(hard, stem, bad)
        assert 0.6 * expected < share < 1.4 * expected, (stem, share, expected)
        assert share > 2 * _id_dirt_share(default, stem, bad), stem
    for stem in ("hukou", "xueji"):
        assert HARD_DIRT[stem] == DEFAULT_DIRT[stem]
        assert _id_dirt_share(hard, stem, bad) == pytest.approx(_id_dirt_share(default, stem, bad), abs=0.003)


def test_a_relatives_id_is_a_valid_id_of_another_member_of_the_household(hard: World) -> None:
    seen = 0
    for stem in ("fupin", "minzheng", "canlian"):
        idc = ID_COLUMN[stem]
        for r in hard.rows[stem]:
            if ("id_relative" not in {k for _c, k in r.dirt}) or r.extra:
                continue
            seen += 1
            written = dict(zip(r.values, r.written))[idc]  # type: ignore[arg-type]
            assert ric.is_valid(written) and written != r.person.id_no  # type: ignore[union-attr]
            assert written in {m.id_no for m in r.person.household.members}  # type: ignore[union-attr]
    assert seen >= 5


def _siblings_by_hukou(world: World) -> list[list[str]]:
    """The given names of the children of each 户 with 2+ children, as the hukou file writes them."""
    kids: dict[str, list[str]] = defaultdict(list)
    for r in world.rows["hukou"]:
        p = r.person
        if r.values["与户主关系"] in ("子", "女") and r.values["户籍状态"] == "正常" and not p.dotted:  # type: ignore[union-attr]
            kids[r.values["户号"]].append(p.given)  # type: ignore[union-attr]
    return [g for g in kids.values() if len(g) >= 2]


def _share_generation_character(world: World) -> float:
    families = _siblings_by_hukou(world)
    same = sum(all(len(g) == 2 for g in gs) and len({g[0] for g in gs}) == 1 and len(set(gs)) == len(gs)
               for gs in families)
    return same / len(families)


def test_siblings_share_a_generation_character(hard: World, default: World) -> None:
    assert _share_generation_character(default) < 0.05
    share = _share_generation_character(hard)
    assert HARD_LISTS.generation_names * 0.7 < share < HARD_LISTS.generation_names * 1.3, share
    for gs in _siblings_by_hukou(hard):
        assert len(set(gs)) == len(gs)  # siblings never share the whole name


def _village_namesake_children(world: World) -> int:
    """Children whose full name another child of the same village, in another 户, has too."""
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in world.rows["hukou"]:
        if r.values["与户主关系"] in ("子", "女") and r.values["户籍状态"] == "正常":
            key = (r.values["区划代码"], r.values["姓名"])
            by_name[key].add(r.values["户号"])
            who[key].add(r.person.pid)  # type: ignore[union-attr]
    return sum(len(who[k]) for k, households in by_name.items() if len(households) >= 2)


def test_the_same_full_name_in_the_same_village(hard: World, default: World) -> None:
    children = sum(1 for p in hard.population.persons if p.is_child)
    extra = _village_namesake_children(hard) - _village_namesake_children(default)
    assert HARD_LISTS.village_namesakes * 0.5 * children < extra < HARD_LISTS.village_namesakes * 1.5 * children, extra
    planted = [p for p in hard.population.persons if "village_namesake" in p.cases]
    assert planted and all(p.id_no is None or ric.is_valid(p.id_no) for p in planted)
    assert len({p.id_no for p in planted if p.id_no}) == len([p for p in planted if p.id_no])  # still two people


def test_children_listed_in_the_grandparents_household(hard: World, default: World) -> None:
    def elsewhere(world: World) -> list:
        return [r for r in world.rows["fupin"] if r.values["户编号"] != r.person.household.fupin_no]  # type: ignore[union-attr]

    assert not elsewhere(default)
    listed = elsewhere(hard)
    assert listed
    for r in listed:
        p, gp = r.person, r.person.household.listed_under  # type: ignore[union-attr]
        assert p.is_child and gp is not None and r.values["户编号"] == gp.fupin_no  # type: ignore[union-attr]
        assert r.values["与户主关系"] == {"M": "孙子", "F": "孙女"}[p.sex]  # type: ignore[union-attr]
        assert r.values["户主姓名"] == gp.head.name
        assert gp.village is p.household.village and gp.head.surname == p.surname  # type: ignore[union-attr]
    on_lists = [hh for hh in hard.population.households if hh.grandparents and hh.fupin_no]
    share = sum(hh.listed_under is not None for hh in on_lists) / len(on_lists)
    assert HARD_LISTS.listed_under_grandparent * 0.5 < share < HARD_LISTS.listed_under_grandparent * 1.5, share


def test_household_heads_written_differently_on_the_village_lists(hard: World, default: World) -> None:
    def varied(world: World, stem: str) -> Counter:
        out: Counter = Counter()
        seen: set[int] = set()
        for r in world.rows[stem]:
            hh = r.person.household  # type: ignore[union-attr]
            if r.values["户主姓名"] == (hh.listed_under.head.name if hh.listed_under and r.person.is_child else None):
                continue  # listed under the grandparents (checked above)
            if id(hh) in seen:
                continue
            seen.add(id(hh))
            out["households"] += 1
            out["varied"] += r.values["户主姓名"] != hh.head.name
        return out

    for stem in ("fupin", "minzheng"):
        assert varied(default, stem)["varied"] == 0
        c = varied(hard, stem)
        assert HARD_LISTS.head_name_varies * 0.6 < c["varied"] / c["households"] < HARD_LISTS.head_name_varies * 1.2, c
    hukou_heads = {r.values["户主姓名"] for r in hard.rows["hukou"]}
    assert all(r.person.household.head.name in hukou_heads for r in hard.rows["fupin"])  # type: ignore[union-attr]
    # the other parent as head: the relations follow
    swapped = [r for r in hard.rows["fupin"] if "head_other_parent_fupin" in r.person.household.head.cases]  # type: ignore[union-attr]
    assert swapped
    for r in swapped:
        p = r.person
        if not p.is_child:  # type: ignore[union-attr]
            assert r.values["与户主关系"] == {"户主": "配偶", "配偶": "户主"}[p.relation]  # type: ignore[union-attr]


def test_truth_stays_right_on_the_hard_profile(tmp_path: Path) -> None:
    """Every valid ID written in a person file is the true person's own, except the
    planted relative's IDs (which belong to another member of the household)."""
    import csv

    summary = generate_bundle(tmp_path, world_config("hard", counties=1, children_per_county=1500, seed=4), ("csv",))
    truth = summary.truth_dir

    def rows(path: Path) -> list[dict[str, str]]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    pid_of = {r["record_key"]: r["true_person_id"] for r in rows(truth / "persons.csv")}
    id_of = {r["true_person_id"]: r["id_number"] for r in rows(truth / "ids.csv")}
    owner = {v: k for k, v in id_of.items()}
    relative = {r["record_key"] for r in rows(truth / "dirt.csv") if r["kind"] == "id_relative"}
    checked = borrowed = 0
    for stem, idc in ID_COLUMN.items():
        for i, r in enumerate(rows(summary.bundle_dir / f"{stem}.csv"), start=1):
            key, written = f"{stem}:{i}", ric.compact(unicodedata.normalize("NFKC", r[idc])).upper()
            if not ric.is_valid(written):
                continue
            if key in relative:
                borrowed += 1
                assert owner[written] != pid_of[key]
            else:
                checked += 1
                assert id_of[pid_of[key]] == written, key
    assert checked > 5000 and borrowed > 0
    cases = Counter(r["case"] for r in rows(truth / "hard_cases.csv"))
    for case in ("generation_name", "village_namesake", "listed_under_grandparent", "twin"):
        assert cases[case] > 0, case
