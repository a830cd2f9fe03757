"""SQL fragments shared by the staging statements (staging_persons.py,
staging_reference.py): the join of a vocabulary map for a raw column, the blank
test, and the ``warnings`` list built from (code, condition) pairs.
"""

from __future__ import annotations


def vocab_join(kind: str, col: str, alias: str) -> str:
    """LEFT JOIN of a vocabulary map for raw column ``col``."""
    return f"LEFT JOIN _m_vocab {alias} ON {alias}.kind = '{kind}' AND {alias}.raw = r.{col}"


def blank(expr: str) -> str:
    return f"(nullif(trim(coalesce({expr}, '')), '') IS NULL)"


def warnings_list(cases: list[tuple[str, str]]) -> str:
    items = ", ".join(f"CASE WHEN {cond} THEN '{code}' END" for code, cond in cases)
    return f"list_filter([{items}]::VARCHAR[], lambda w: w IS NOT NULL)"
