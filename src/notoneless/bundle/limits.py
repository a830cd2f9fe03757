"""How long a cell may be, per column, and what happens to a longer one.

Every column of the contract holds a short value: a code, a date, a name, a word of a
vocabulary. A cell far beyond that is a paste gone wrong or a broken file, and further
down it would fail the whole run (Neo4j refuses to index a property value of more than
about 8 KB: "Property value is too large to index"). So a longer cell rejects its row
at ingest (``FIELD_TOO_LONG``, with the column and its length in the reason); the rest
of the file is read as usual. Rejecting rather than cutting, for every column: a cut ID
number, name or code would be a different, wrong value that linkage would trust.

Limits in characters (a Chinese character counts one):

| columns | limit |
|---|---|
| names of places, schools, units, subsidy projects (`divisions.name`, `schools.name`, `contacts.unit`, `zizhu.project`, `zizhu.pay_method`) | 200 |
| every other column (ID numbers, 学籍号, codes, names of persons, dates, amounts, vocabulary words) | 64 |

A cell's length is counted as read, before any trimming or normalising.
"""

from __future__ import annotations

DEFAULT_LIMIT = 64
LONG_TEXT_LIMIT = 200

# (stem, field) → limit, where it is not DEFAULT_LIMIT
_LONG: frozenset[tuple[str, str]] = frozenset({
    ("divisions", "name"), ("schools", "name"), ("contacts", "unit"), ("zizhu", "project"), ("zizhu", "pay_method"),
})


def limit(stem: str, field: str) -> int:
    """The longest value (in characters) a cell of ``field`` in file ``stem`` may hold."""
    return LONG_TEXT_LIMIT if (stem, field) in _LONG else DEFAULT_LIMIT


__all__ = ["DEFAULT_LIMIT", "LONG_TEXT_LIMIT", "limit"]
