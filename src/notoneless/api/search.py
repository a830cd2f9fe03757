"""Person search: what a query typed by an officer is (ID number, 学籍号, name, pinyin),
in the form the graph holds, and the pinyin search key of persons' names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from notoneless.graph.store import GraphStore
from notoneless.normalize.codes import id_from_xueji_no, normalize_xueji_no
from notoneless.normalize.idnumber import clean_id, normalize_id
from notoneless.normalize.names import looks_swapped, normalize_name, swap_back

_XUEJI = re.compile(r"^[GL][0-9A-Z]{6,24}$")
_IDLIKE = re.compile(r"^[0-9]{6,17}[0-9X]$")
_PINYIN = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class PersonQuery:
    kind: str  # id_number, xueji_no, name, pinyin
    params: dict[str, Any] = field(default_factory=dict)


def interpret(q: str) -> PersonQuery | None:
    """What ``q`` asks for, with the named query's parameters; None when it asks for nothing."""
    text = q.strip()
    if not text:
        return None
    cleaned = clean_id(text)
    if _XUEJI.match(cleaned):
        xueji_no = normalize_xueji_no(cleaned)
        return PersonQuery("xueji_no", {"xueji_no": xueji_no, "id_number": id_from_xueji_no(xueji_no)})
    if _IDLIKE.match(cleaned):
        result = normalize_id(cleaned)
        id_number = result.id_norm or cleaned
        return PersonQuery("id_number", {"id_number": id_number, "xueji_no": "G" + id_number})
    ascii_only = re.sub(r"[\s'·.-]", "", text).lower()
    if _PINYIN.match(ascii_only):
        return PersonQuery("pinyin", {"names": [], "name": None, "pinyin": ascii_only})
    name = normalize_name(text)
    if not name.name_norm:
        return None
    names = [name.name_norm]
    if looks_swapped(name.name_norm):
        names.append(swap_back(name.name_norm))  # a name written given-name-first (伟张 → 张伟)
    return PersonQuery("name", {"names": names, "name": name.name_norm, "pinyin": name.name_pinyin or ""})


def index_name_pinyin(store: GraphStore, batch: int = 5_000) -> int:
    """Give every Person whose name has no ``name_pinyin`` one (computed once per
    distinct name with normalize/names.py). Returns how many persons were updated.

    Our own code because the load does not (yet) write the key; a no-op when it does."""
    updated = 0
    while True:
        rows = store.query("api/persons/missing_pinyin", limit=batch)
        if not rows:
            return updated
        by_name = {r["name"]: normalize_name(r["name"]).name_pinyin or "" for r in {r["name"]: r for r in rows}.values()}
        store.write_rows(
            "api/persons/set_pinyin",
            [{"person_id": r["person_id"], "name_pinyin": by_name[r["name"]]} for r in rows],
        )
        updated += len(rows)
        if len(rows) < batch:
            return updated
