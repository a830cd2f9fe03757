"""Writing clean rows the way each source system really does: the dirt of the
contract's "What real extracts look like", at the per-system rates of `DirtRates`.

Every corruption keeps the row's meaning for someone who reads carefully, and none
is reversible by construction: a mistyped ID is still 18 characters of digits (and
never accidentally valid), a homophone is a real same-pinyin character, Excel's
scientific notation loses the digits for good. Besides corrupting values, some
persons are written twice in one file (`duplicate_row`) and a few extra rows carry
neither a usable ID nor a name (`unusable`, listed in ``truth/rejects.csv``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from operator import itemgetter

from stdnum.cn import ric

from notoneless.bundle.schema import FILES
from notoneless.synth import names
from notoneless.synth.people import DISABILITY_GRADES, DISABILITY_TYPES
from notoneless.synth.rates import DirtRates
from notoneless.synth.systems import Row, World

# canonical column of each kind per file
ID_COLUMN = {s: f.column("id_raw").header for s, f in FILES.items() if any(c.field == "id_raw" for c in f.columns)}
NAME_COLUMN = {s: f.column("name_raw").header for s, f in FILES.items() if any(c.field == "name_raw" for c in f.columns)}
SEX_COLUMN = {s: f.column("sex_raw").header for s, f in FILES.items() if any(c.field == "sex_raw" for c in f.columns)}
DATE_COLUMNS = {"hukou": ("出生日期",), "xueji": ("出生日期",), "zizhu": ("发放日期",), "visits": ("走访日期",)}

# the usual date format of each system's export; others appear at `date_other_format`
DATE_BASE = {"hukou": "compact", "xueji": "iso", "zizhu": "slash", "visits": "iso"}
DATE_STYLES = ("iso", "slash", "compact", "dot", "chinese")
SEX_CODES = {"num": {"M": "1", "F": "2"}, "letter": {"M": "M", "F": "F"}}
_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_SEX_FROM_LABEL = {"男": "M", "女": "F"}


@lru_cache(maxsize=None)
def format_date(iso: str, style: str) -> str:
    y, m, d = iso.split("-")
    if style == "iso":
        return iso
    if style == "slash":
        return f"{y}/{int(m)}/{int(d)}"
    if style == "compact":
        return f"{y}{m}{d}"
    if style == "dot":
        return f"{y}.{m}.{d}"
    return f"{y}年{int(m)}月{int(d)}日"


# -- ID numbers ---------------------------------------------------------------------

def _invalid(candidate: str) -> bool:
    return not ric.is_valid(candidate)


def id_cosmetic(rng: random.Random, id18: str) -> tuple[str, str]:
    options = ["space", "fullwidth", "apostrophe"]
    if id18.endswith("X"):
        options += ["lower_x"] * 3
    kind = rng.choice(options)
    if kind == "lower_x":
        return id18[:-1] + "x", "id_lower_x"
    if kind == "space":
        pos = rng.choice((6, 14, 18))
        return (id18[:pos] + " " + id18[pos:]).strip() + (" " if pos == 18 else ""), "id_space"
    if kind == "fullwidth":
        return id18.translate(_FULLWIDTH), "id_fullwidth"
    return "'" + id18, "id_apostrophe"


def id_typo(rng: random.Random, id18: str) -> str:
    """One of the first 17 digits mistyped (GB 11643's check digit always catches it)."""
    while True:
        pos = rng.randrange(17)
        digit = rng.choice([d for d in "0123456789" if d != id18[pos]])
        out = id18[:pos] + digit + id18[pos + 1 :]
        if _invalid(out):
            return out


def id_transposition(rng: random.Random, id18: str) -> str | None:
    positions = [i for i in range(16) if id18[i] != id18[i + 1]]
    rng.shuffle(positions)
    for i in positions:
        out = id18[:i] + id18[i + 1] + id18[i] + id18[i + 2 :]
        if _invalid(out):
            return out
    return None


def id_bad_check(rng: random.Random, id18: str) -> str:
    return id18[:17] + rng.choice([c for c in "0123456789X" if c != id18[17]])


def id_len15(id18: str) -> str | None:
    """The legacy 15-digit form: no century, no check digit (only for births in 19xx)."""
    return id18[:6] + id18[8:17] if id18[6:8] == "19" else None


def id_scientific(id18: str) -> str | None:
    """What Excel shows for an ID typed into a number cell (a trailing X stays text)."""
    return None if id18.endswith("X") else f"{int(id18):.5E}"


_ID_KINDS = ("id_missing", "id_cosmetic", "id_typo", "id_transposition", "id_bad_check", "id_len15", "id_sci",
             "id_disability_cert", "id_relative")
_NAME_KINDS = ("name_traditional", "name_homophone", "name_swapped", "name_space")


def _thresholds(rates: DirtRates, kinds: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    out, acc = [], 0.0
    for k in kinds:
        acc += getattr(rates, k)
        out.append((k, acc))
    return tuple(out)


def _draw(rng: random.Random, thresholds: tuple[tuple[str, float], ...]) -> str | None:
    """One kind (or None) with the probabilities of `thresholds` (cumulative)."""
    r = rng.random()
    if not thresholds or r >= thresholds[-1][1]:
        return None
    for k, acc in thresholds:
        if r < acc:
            return k
    return None


def dirty_id(rng: random.Random, id18: str, kind: str, row: Row) -> tuple[str, str] | None:
    """(written value, dirt label) for `kind`, or None where the kind does not apply."""
    if kind == "id_missing":
        return "", "id_missing"
    if kind == "id_cosmetic":
        return id_cosmetic(rng, id18)
    if kind == "id_typo":
        return id_typo(rng, id18), "id_typo"
    if kind == "id_transposition":
        out = id_transposition(rng, id18)
        return (out, "id_transposition") if out else None
    if kind == "id_bad_check":
        return id_bad_check(rng, id18), "id_bad_check"
    if kind == "id_len15":
        out = id_len15(id18)
        return (out, "id_len15") if out else None
    if kind == "id_sci":
        out = id_scientific(id18)
        return (out, "id_sci") if out else None
    if kind == "id_disability_cert":
        t = DISABILITY_TYPES.index(row.values["残疾类别"]) + 1
        g = DISABILITY_GRADES.index(row.values["残疾等级"]) + 1
        return f"{id18}{t}{g}", "id_disability_cert"
    if kind == "id_relative":
        # a clerk copies the ID from the line above: a child gets the head's (or a
        # sibling's) number, a parent a child's; valid, but someone else's
        p = row.person
        assert p is not None
        others = [m.id_no for m in p.household.members if m is not p and m.id_no]
        return (rng.choice(others), "id_relative") if others else None
    raise ValueError(kind)


# -- names --------------------------------------------------------------------------

def dirty_name(rng: random.Random, row: Row, kind: str) -> str | None:
    p = row.person
    assert p is not None
    if p.dotted:
        return None
    name = p.name
    if kind == "name_traditional":
        t = names.traditional(name)
        return t if t != name else None
    if kind == "name_homophone":
        return names.homophone_variant(rng, p.surname, p.given)
    if kind == "name_swapped":
        return p.given + p.surname
    if kind == "name_space":
        sep = rng.choice((" ", " ", "　"))
        if len(p.given) == 2 and rng.random() < 0.3:
            return p.surname + p.given[0] + sep + p.given[1]
        return p.surname + sep + p.given
    raise ValueError(kind)


# -- rows ---------------------------------------------------------------------------

class _Corruptor:
    def __init__(self, rng: random.Random, world: World) -> None:
        self.rng = rng
        self.world = world
        self.plans: dict[str, tuple[DirtRates, tuple, tuple]] = {}
        self.getters: dict[str, Callable[[dict[str, str]], tuple[str, ...]]] = {}

    def plan(self, stem: str) -> tuple[DirtRates, tuple, tuple]:
        if stem not in self.plans:
            rates = self.world.config.dirt.get(stem, DirtRates())
            self.plans[stem] = (rates, _thresholds(rates, _ID_KINDS), _thresholds(rates, _NAME_KINDS))
        return self.plans[stem]

    def ordered(self, stem: str) -> Callable[[dict[str, str]], tuple[str, ...]]:
        """dict -> tuple in the file's header order."""
        if stem not in self.getters:
            self.getters[stem] = itemgetter(*FILES[stem].headers)
        return self.getters[stem]

    def row(self, row: Row) -> None:
        rng = self.rng
        stem = row.stem
        rates, id_kinds, name_kinds = self.plan(stem)
        out = dict(row.values)
        row.dirt = []
        idc = ID_COLUMN.get(stem)
        if idc and row.person is not None and out.get(idc):
            kind = _draw(rng, id_kinds)
            if kind == "id_len15" and row.person.is_child:
                kind = None
            if kind == "id_disability_cert" and stem != "canlian":
                kind = None
            got = dirty_id(rng, out[idc], kind, row) if kind else None
            if got:
                out[idc] = got[0]
                row.dirt.append((idc, got[1]))
        nc = NAME_COLUMN.get(stem)
        if nc and row.person is not None:
            p = row.person
            if p.dotted and rng.random() < rates.name_dot_variant:
                out[nc] = p.name.replace("·", rng.choice(names.DOTS[1:]))
                row.dirt.append((nc, "name_dot_variant"))
            else:
                kind = _draw(rng, name_kinds)
                got = dirty_name(rng, row, kind) if kind else None
                if got:
                    out[nc] = got
                    row.dirt.append((nc, kind))
        sc = SEX_COLUMN.get(stem)
        if sc and out.get(sc) and rng.random() < rates.sex_other_code:
            out[sc] = SEX_CODES[rng.choice(("num", "letter"))][_SEX_FROM_LABEL[out[sc]]]
            row.dirt.append((sc, "sex_code"))
        for dc in DATE_COLUMNS.get(stem, ()):
            base = DATE_BASE[stem]
            if rng.random() < rates.date_other_format:
                style = rng.choice([s for s in DATE_STYLES if s != base])
                row.dirt.append((dc, f"date_{style}"))
            else:
                style = base
            out[dc] = format_date(out[dc], style)
        if stem in ("contacts", "visits"):
            self.target(row, out, rates)
        row.written = self.ordered(stem)(out)

    def target(self, row: Row, out: dict[str, str], rates: DirtRates) -> None:
        rng = self.rng
        key = out["包保对象"]
        if row.target_kind == "id":
            r = rng.random()
            if r < rates.target_typo:
                if rng.random() < 0.6:
                    out["包保对象"], label = id_typo(rng, key), "target_typo"
                else:
                    t = id_transposition(rng, key)
                    if t is None:
                        return
                    out["包保对象"], label = t, "target_transposition"
                row.dirt.append(("包保对象", label))
            elif r < rates.target_typo + rates.id_cosmetic:
                out["包保对象"], label = id_cosmetic(rng, key)
                row.dirt.append(("包保对象", "target_" + label))
        elif row.target_kind in ("household", "xueji_no") and rng.random() < rates.id_cosmetic:
            out["包保对象"] = rng.choice(("'" + key, key + " ", " " + key))
            row.dirt.append(("包保对象", "target_cosmetic"))

    def unusable_copy(self, row: Row) -> Row:
        """A copy of `row` with neither a usable ID nor a name (and no 学籍号)."""
        assert row.written is not None
        headers = FILES[row.stem].headers
        out = dict(zip(headers, row.written))
        idc = ID_COLUMN[row.stem]
        sci = id_scientific(row.values[idc]) if row.values[idc] else None
        out[idc] = sci if sci and self.rng.random() < 0.5 else ""
        out[NAME_COLUMN[row.stem]] = ""
        if "学籍号" in out:
            out["学籍号"] = ""
        why = "身份证号为科学计数法无法恢复且姓名为空" if out[idc] else "身份证号和姓名均为空"
        return replace(row, written=tuple(out[h] for h in headers), dirt=[(idc, "unusable"), (NAME_COLUMN[row.stem], "unusable")],
                       unusable=why, extra=True)


def corrupt(rng: random.Random, world: World) -> None:
    """Write every row (``Row.written``), add duplicate and unusable rows, and number
    the rows of each file (``Row.record_key`` = ``<stem>:<row>``)."""
    c = _Corruptor(rng, world)
    for stem, rows in world.rows.items():
        rates = world.config.dirt.get(stem, DirtRates())
        ordered: list[Row] = []
        for row in rows:
            c.row(row)
            ordered.append(row)
            if row.person is None:
                continue
            if rates.duplicate_row and rng.random() < rates.duplicate_row:
                dup = replace(row, extra=True, dirt=[])
                c.row(dup)
                dup.dirt.append(("*", "duplicate_row"))
                ordered.append(dup)
            if rates.unusable and rng.random() < rates.unusable:
                ordered.append(c.unusable_copy(row))
        for i, row in enumerate(ordered, start=1):
            row.record_key = f"{stem}:{i}"
        world.rows[stem] = ordered
