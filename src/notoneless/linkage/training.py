"""Estimating the model's parameters on the data itself, with Splink's own estimators.

Never on the generator's truth files: those are for measuring only (benchmarks/).

- ``u`` (how often a level occurs among different people): Splink's random sampling
  of record pairs, ``estimate_u_using_random_sampling``.
- ``m`` (how often a level occurs among records of one person): Splink's EM,
  ``estimate_parameters_using_expectation_maximisation``, in two sessions whose
  blocking rules do not share columns, so every comparison is estimated once:
  (a) pairs with the same normalised ID estimate names, dates, sex, place,
  household and 学籍号; (b) pairs with the same birth date and surname estimate the
  ID comparison (and sex, place, household, 学籍号 again); (c) pairs with the same
  name pinyin and county estimate the ID and the birth date where the two differ
  (in (a) a birth date taken from one ID number always agrees). Splink averages a
  comparison's estimates over the sessions that estimated it. Each session samples at
  most ``EM_MAX_PAIRS`` of its blocked pairs and iterates on the comparison vectors
  alone, without the names' term-frequency adjustments (Splink's
  ``estimate_without_term_frequencies``): m is a property of the comparison level, the
  frequencies only adjust it at prediction time. Measured at 1M records (issue 22, 7 Dec
  2026): the training step 10.6 → 5.9 s; the same persons on the hard profile, two
  more split record pairs of 725k on the default one (linkage_models/README.md).
- The prior (how likely two random records are one person) from a deterministic
  rule with an assumed recall (Splink's ``estimate_probability_two_random_records_match``).

Where the data cannot teach a level (the two 'valid but different ID' levels: the
GB 11643 check digit makes a typo that yields another valid number all but
impossible, so true matches almost never reach them), a floor keeps them strongly
negative: see ``enforce_domain_floors``.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from splink import Linker, block_on

from notoneless import resources
from notoneless.errors import LinkageError
from notoneless.linkage.comparisons import (
    SAME_NAME_COHORT_LABEL,
    SAME_NAME_LABEL,
    SAME_NAME_VILLAGE_LABEL,
    SIBLING_LABEL,
)

DEFAULT_MODEL_PATH = resources.default_model_path()

# Below this many records EM has too few pairs per level to be trusted: the run keeps
# the committed default model's parameters (they were trained on a generated bundle).
MIN_RECORDS_TO_TRAIN = 20_000

# The weight ceiling of the levels that mean "two different valid ID numbers": low
# enough that no agreement elsewhere (same household, birth date, village, similar
# names: twins agree on all of these, up to about +45 together) can outweigh it.
# A true match with two different valid numbers is all but impossible (the check
# digit), and the clustering guard would split such a cluster anyway.
VALID_DIFFERENT_MAX_WEIGHT = -40.0
_VALID_DIFFERENT_LABELS = ("两个有效号码不同",)


def default_model_path() -> Path:
    return DEFAULT_MODEL_PATH


def load_model_dict(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LinkageError(
            f"无法读取连接模型 {path}：{exc}。删除该文件即可改用项目自带的默认模型。"
        ) from exc
    if "comparisons" not in data or "blocking_rules_to_generate_predictions" not in data:
        raise LinkageError(f"连接模型 {path} 不是 Splink 模型文件：删除它即可改用默认模型。")
    return data


# Pairs per EM session (Splink samples them from the session's blocked pairs). Enough
# for every level a session estimates: at 1M records the persons came out the same with
# 1e6 (linkage_models/README.md, issue 22).
EM_MAX_PAIRS = 3e5


def train(
    linker: Linker,
    *,
    seed: int = 42,
    u_max_pairs: float = 1e6,
    em_max_pairs: float = EM_MAX_PAIRS,
    on_progress: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """Estimate prior, u and m on the linker's input. Returns seconds per step."""
    say = on_progress or (lambda _m: None)
    seconds: dict[str, float] = {}

    t = time.perf_counter()
    say("估计先验匹配概率")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_norm"), block_on("name_norm", "birth_any", "village_code")],
        recall=0.8,
    )
    seconds["prior"] = time.perf_counter() - t

    t = time.perf_counter()
    say("随机抽样估计 u 参数")
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    seconds["u"] = time.perf_counter() - t

    t = time.perf_counter()
    say("EM 估计 m 参数（按身份证号分块）")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("id_norm"), max_pairs=em_max_pairs, estimate_without_term_frequencies=True
    )
    say("EM 估计 m 参数（按出生日期+姓氏分块）")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_any", "surname_pinyin"), max_pairs=em_max_pairs, estimate_without_term_frequencies=True
    )
    say("EM 估计 m 参数（按姓名拼音+县分块）")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_pinyin", "county_code"), max_pairs=em_max_pairs, estimate_without_term_frequencies=True
    )
    seconds["em"] = time.perf_counter() - t
    enforce_domain_floors(linker)
    shape_weights(linker, u_floor=1.0 / u_max_pairs)
    return seconds


def enforce_domain_floors(linker: Linker) -> list[str]:
    """Keep the 'two different valid IDs' levels at or below VALID_DIFFERENT_MAX_WEIGHT.

    EM cannot learn these from the data: the pairs that reach them are twins,
    siblings and namesakes who agree on almost everything else, so EM is tempted to
    call some of them matches. Domain knowledge (the check digit) says otherwise.
    Returns the labels of the levels that were lowered.
    """
    changed = []
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or not level.label_for_charts.startswith(_VALID_DIFFERENT_LABELS):
                continue
            u = level.u_probability
            m = level.m_probability
            if u is None or m is None or u <= 0:
                continue
            weight = math.log2(m / u) if m > 0 else -math.inf
            if weight > VALID_DIFFERENT_MAX_WEIGHT:
                level.m_probability = u * 2**VALID_DIFFERENT_MAX_WEIGHT
                changed.append(level.label_for_charts)
    return changed


# No single disagreement other than two different valid IDs may be unrecoverable:
# EM on generated data pushes some weights to +-60 (m of order 1e-20), which would
# make the model brittle to dirt the sample data did not have.
WEIGHT_BOUND = 25.0

# Siblings share household, surname, village, often the birth date (twins) and the
# guardian: together up to about +45. Their given names are the one thing that
# differs, so that level must outweigh most of it (twins without any ID number have
# nothing else to tell them apart).
SIBLING_MAX_WEIGHT = -25.0


# The equal-name levels adjusted by a frequency where the two records meet
# (name_frequency.py), and the plain one: one level of evidence (tie_equal_name_levels).
_CONDITIONAL_NAME_LABELS = (SAME_NAME_VILLAGE_LABEL, SAME_NAME_COHORT_LABEL)
_EQUAL_NAME_LABELS = (*_CONDITIONAL_NAME_LABELS, SAME_NAME_LABEL)

# Levels that are not "more similar than the next one" and so stay out of the
# monotone ordering: the vetoes, the sibling level, the household's
# head-versus-member level, and the conditional equal-name levels (equal names in
# different settings, not grades of similarity).
_SPECIAL_LEVEL_PREFIXES = (
    *_VALID_DIFFERENT_LABELS, SIBLING_LABEL, "同户，一方是户主", *_CONDITIONAL_NAME_LABELS
)


def tie_equal_name_levels(linker: Linker) -> None:
    """Give the conditional equal-name levels and the plain one the same m and u: those of
    "equal names" as one level (the sums over the three).

    The three differ only in the frequency that adjusts them (name_frequency.py). Where the
    two records meet (one village, one birth year, neither) is evidence the location and
    birth-date comparisons count already: left to EM, each level's m would count it again
    (an equal name with different birth years is rare among true matches because their
    birth dates agree, which the birth comparison weighs). Tied, a pair's name weight is
    log2(m / tf) with the frequency of where it meets, and is today's weight wherever the
    two records share neither a village nor a birth year. Run once, after EM (Splink sets
    the levels' trained values again after each EM session).
    """
    for comparison in linker._settings_obj.comparisons:
        levels = [lv for lv in comparison.comparison_levels if lv.label_for_charts in _EQUAL_NAME_LABELS]
        if len(levels) < 2:
            continue
        for attr in ("m_probability", "u_probability"):
            # a level training did not observe (no trained value) adds nothing to the sum
            values = [v for v in (getattr(lv, f"_{attr}") for lv in levels) if isinstance(v, float)]
            if not values:
                continue
            total = min(1.0, sum(values))
            for lv in levels:
                setattr(lv, attr, total)


# Comparisons whose levels are grades of one similarity (the household's levels are
# different kinds of evidence, not grades).
_GRADED_COMPARISONS = ("id", "name", "birth", "location")


def shape_weights(linker: Linker, *, u_floor: float = 1e-6) -> list[str]:
    """Make the trained weights usable where EM could not estimate them.

    A level that training could not observe (no m or no u estimate, e.g. a birth date
    one digit off when this bundle has none, or "same surname, different given name"
    which the EM blocks hardly contain among true matches) would otherwise get
    Splink's arbitrary default. Levels are ordered from most to least similar, and a
    level EM never saw among true matches is evidence of a non-match, so an
    unobserved level takes the weight of the nearest observed level below it (the
    cautious choice: a false merge hides a child, a missed link shows up as a case an
    officer checks). The sibling level (one household, given names that
    sound different) is at most SIBLING_MAX_WEIGHT. Then every weight is bounded to
    +-WEIGHT_BOUND, except the 'two different valid IDs' levels (see
    enforce_domain_floors).

    A level with an m estimate but no u estimate (too rare among the ``1/u_floor``
    random pairs to be seen once, e.g. "equal after repair" in a million records)
    gets ``u = u_floor``, the most its u can be given that it was not seen. Finally the
    ordinary levels are made monotone (a more similar level never weighs less than a
    less similar one). Returns the labels of the levels that were filled in.
    """
    filled = []
    tie_equal_name_levels(linker)
    for comparison in linker._settings_obj.comparisons:
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        weights: list[float | None] = []
        for lv in levels:
            m_raw, u_raw = lv._m_probability, lv._u_probability
            m_ok = isinstance(m_raw, float) and m_raw > 0
            u_ok = isinstance(u_raw, float) and u_raw > 0
            if m_ok and not u_ok:
                lv.u_probability = u_raw = u_floor
                u_ok = True
            weights.append(math.log2(m_raw / u_raw) if m_ok and u_ok else None)
        vetoes = {i for i, lv in enumerate(levels) if lv.label_for_charts.startswith(_VALID_DIFFERENT_LABELS)}
        known = [i for i, w in enumerate(weights) if w is not None and i not in vetoes]
        for i, w in enumerate(weights):
            if w is not None or i in vetoes:
                continue
            above = max((k for k in known if k < i), default=None)
            below = min((k for k in known if k > i), default=None)
            if below is not None:
                weights[i] = weights[below]
            elif above is not None:
                weights[i] = min(weights[above], 0.0)
            else:
                weights[i] = 0.0
            filled.append(f"{comparison.output_column_name}: {levels[i].label_for_charts}")
        ordinary = [i for i, lv in enumerate(levels) if not lv.label_for_charts.startswith(_SPECIAL_LEVEL_PREFIXES)]
        if comparison.output_column_name not in _GRADED_COMPARISONS:
            ordinary = []
        for a, b in reversed(list(zip(ordinary, ordinary[1:]))):
            weights[a] = max(weights[a], weights[b])  # type: ignore[type-var]
        for i, (lv, w) in enumerate(zip(levels, weights, strict=True)):
            if w is None:  # an unobserved veto level: enforce_domain_floors' value
                w = VALID_DIFFERENT_MAX_WEIGHT
            if lv.label_for_charts == SIBLING_LABEL:
                w = min(w, SIBLING_MAX_WEIGHT)
            bounded = w if i in vetoes else max(-WEIGHT_BOUND, min(WEIGHT_BOUND, w))
            u_raw = lv._u_probability
            u = u_raw if isinstance(u_raw, float) and u_raw > 0 else 1e-4
            lv.u_probability = u
            lv.m_probability = min(1.0, u * 2**bounded)
    return filled


def fresh_model_dict() -> dict[str, Any]:
    """The untrained model as the code defines it (model.py + comparisons.py)."""
    from notoneless.linkage.model import settings_creator

    return settings_creator().create_settings_dict("duckdb")
