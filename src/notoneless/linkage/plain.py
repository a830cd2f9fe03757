"""The plain Chinese of an explanation (``linkage.explain``), one home for every reader:
``notoneless explain`` and ``reviews show``, the review page, the API. Light (no Splink):
the queue's listings use ``certainty`` too.

An officer reads 把握 (a percentage) rather than a match probability and a threshold, a
strength in words and a bar rather than a log-Bayes factor, and "这个名字很常见，同名不足以
说明是同一人" rather than a term-frequency adjustment.
"""

from __future__ import annotations

import math

PRIOR_NAME = "起点"  # … as officers read it
COMMON_NAME = "这个名字很常见，同名不足以说明是同一人"
RARE_NAME = "这个名字少见，同名更能说明是同一人"
PRIOR_VERDICT = "任意两条记录恰好是同一人的可能本来很小，以下各项在此基础上增减"


def strength_words(weight: float) -> str:
    w = abs(weight) if math.isfinite(weight) else 99.0
    if w < 0.5:
        return "几乎不影响判断"
    degree = "略" if w < 2 else ("" if w < 5 else ("较强地" if w < 10 else "强烈"))
    return f"{degree}支持是同一人" if weight > 0 else f"{degree}说明不是同一人"


def bar_length(weight: float) -> int:
    w = abs(weight) if math.isfinite(weight) else 15.0
    return min(10, round(min(w, 15.0) / 1.5)) if w >= 0.5 else 0


def certainty(probability: float) -> str:
    """A match probability in words: 把握 as a percentage (one decimal; never 100% unless it is)."""
    pct = probability * 100
    if pct >= 99.95 and probability < 1:
        return "99.9% 以上"
    if 0 < pct < 0.05:
        return "不到 0.1%"
    return f"{pct:.1f}%"


def verdict(comparison: str, level: str, detail: str = "") -> str:
    """"身份证号：纠错后一致——第 17、18 位对调": the level, its bracketed gloss left out when
    the detail says exactly what happened."""
    if detail:
        return f"{comparison}：{level.split('（')[0]}——{detail}"
    return f"{comparison}：{level}"
