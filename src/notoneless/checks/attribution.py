"""Who is responsible: the attribution rules of 资助 (paying) and 核实 (verifying).

Pure functions over county codes (6-digit GB/T 2260) and the deploying province
(2 digits). Each rule has exactly one home here; the check modules call them on
the facts their graph queries return. Source: ``shared/domain.md`` ("Who is
responsible") and contract section 3:

- 省内跨县就学 (both counties in the province): the school county (学籍地) pays.
- 出省就学 / 省外就读 (registered here, school elsewhere): the registration county pays.
- 外省户籍 (registered elsewhere, school here): the school county pays.
- Verification of a matched (enrolled) child: the school county (学籍地核实).
- Verification of an unmatched child: the registration county (户籍地牵头).
"""

from __future__ import annotations

IN_PROVINCE_CROSS = "省内跨县"
STUDYING_OUTSIDE = "省外就读"
REGISTERED_OUTSIDE = "外省户籍"
SCOPES = (IN_PROVINCE_CROSS, STUDYING_OUTSIDE, REGISTERED_OUTSIDE)


def county_of(code: str | None) -> str | None:
    """The 6-digit county of a division code (6, 9 or 12 digits); None otherwise."""
    if not code or len(code) < 6 or not code[:6].isdigit():
        return None
    return code[:6]


def in_province(code: str | None, province_code: str) -> bool:
    """A division code lies in the deploying province (its first two digits)."""
    return bool(code) and code[:2] == province_code


def cross_county_scope(registration_county: str | None, school_county: str | None, province_code: str) -> str | None:
    """范围 of a student whose school county differs from the registration county.

    Returns None when the two counties are equal, when either is unknown, or when
    both lie outside the province (no county of this province is concerned).
    """
    if not registration_county or not school_county or registration_county == school_county:
        return None
    reg_here = in_province(registration_county, province_code)
    school_here = in_province(school_county, province_code)
    if reg_here and school_here:
        return IN_PROVINCE_CROSS
    if reg_here:
        return STUDYING_OUTSIDE
    if school_here:
        return REGISTERED_OUTSIDE
    return None


def subsidy_county(registration_county: str | None, school_county: str | None, province_code: str) -> str | None:
    """资助责任县 / 应发县: the county that must pay a student's subsidy.

    The school county (学籍地), except for a child registered here who studies outside
    the province (the registration county pays). Defined for a student 在读 only:
    without a school county there is none (None).
    """
    if not school_county:
        return None
    if cross_county_scope(registration_county, school_county, province_code) == STUDYING_OUTSIDE:
        return registration_county
    return school_county


def verifying_county_enrolled(registration_county: str | None, school_county: str | None) -> str | None:
    """核实责任县 of a matched (enrolled) child: the school county (学籍地核实, 户籍地配合)."""
    return school_county or registration_county


def verifying_county_unmatched(registration_code: str | None) -> str | None:
    """责任县 of an unmatched child: the county of the registration (户籍地牵头)."""
    return county_of(registration_code)
