"""包保对象 — what a contact is responsible for or a visit went to (contract §1):
a 12-digit village code (包村), a household key (包户: hukou 户号 or fupin 户编号) or a
person key (包人: an ID number or a 学籍号). The key may carry the same typos as any
other field, so an ID-like key keeps its repair candidates for linkage to resolve."""

from __future__ import annotations

import re
from dataclasses import dataclass

from notoneless.normalize.codes import normalize_division, normalize_household_key, normalize_xueji_no
from notoneless.normalize.idnumber import clean_id, normalize_id

KINDS = ("village", "household", "person_id", "xueji_no")

IDLIKE_RE = re.compile(r"^(?:[0-9]{15}|[0-9X]{18}|[0-9]{17}[0-9X][0-9]{2}|[0-9](?:\.[0-9]+)?E\+?[0-9]{1,2})$")
XUEJI_RE = re.compile(r"^[GL][0-9A-Z]{8,}$")


@dataclass(frozen=True, slots=True)
class Target:
    norm: str | None
    kind: str | None  # village, household, person_id, xueji_no
    candidates: tuple[str, ...] = ()


def normalize_target(raw: object, duty_type: str | None = None) -> Target:
    """Normalise a 包保对象 given the 包保类型 (包村/包户/包人; None for a visit)."""
    try:
        s = clean_id(raw)
        if not s:
            return Target(None, None)
        if duty_type == "包村":
            return Target(normalize_division(s), "village")
        if duty_type == "包户":
            return Target(normalize_household_key(s), "household")
        if XUEJI_RE.match(s):
            return Target(normalize_xueji_no(s), "xueji_no")
        if IDLIKE_RE.match(s):
            r = normalize_id(s)
            if r.id_norm:
                return Target(r.id_norm, "person_id", r.id_candidates)
            return Target(None, "person_id")
        if duty_type == "包人":
            return Target(normalize_household_key(s), "person_id")
        return Target(normalize_household_key(s), "household")
    except Exception:  # pragma: no cover - defensive
        return Target(None, None)
