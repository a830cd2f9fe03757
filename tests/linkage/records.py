"""Build small ``person_records`` tables for the linkage tests.

The columns and types are those of docs/workspace.md. The derived fields (pinyin,
surname split, ID validity and repair candidates) are computed here with the same
libraries ingest uses (pypinyin, OpenCC, python-stdnum), so a test states a record
the way a source system would hold it and the table looks as ingest would write it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
from stdnum.cn import ric

from notoneless.normalize.idnumber import normalize_id
from notoneless.normalize.names import normalize_name

COLUMNS = {
    "record_key": "VARCHAR",
    "source": "VARCHAR",
    "row_no": "INTEGER",
    "fingerprint": "VARCHAR",
    "id_raw": "VARCHAR",
    "id_norm": "VARCHAR",
    "id_valid": "BOOLEAN",
    "id_candidates": "VARCHAR[]",
    "id_issue": "VARCHAR",
    "id_prefix": "VARCHAR",
    "xueji_no": "VARCHAR",
    "name_raw": "VARCHAR",
    "name_norm": "VARCHAR",
    "surname": "VARCHAR",
    "given_name": "VARCHAR",
    "name_pinyin": "VARCHAR",
    "surname_pinyin": "VARCHAR",
    "given_pinyin": "VARCHAR",
    "name_swapped": "BOOLEAN",
    "birth_date": "DATE",
    "sex": "VARCHAR",
    "village_code": "VARCHAR",
    "town_code": "VARCHAR",
    "county_code": "VARCHAR",
    "school_id": "VARCHAR",
    "school_county": "VARCHAR",
    "household_key": "VARCHAR",
    "head_name": "VARCHAR",
    "guardian_name": "VARCHAR",
    "birth_county": "VARCHAR",
    "warnings": "VARCHAR[]",
}


def _valid(idn: str) -> bool:
    """Check digit and birth date (cn.ric.is_valid also looks the region up: too slow
    for building test tables, and ingest's concern, not linkage's)."""
    if len(idn) != 18 or not idn[:17].isdigit():
        return False
    try:
        date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    return ric.calc_check_digit(idn) == idn[17]


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects the check digit included


@dataclass
class Rec:
    """One record as a source system holds it."""

    source: str
    name: str
    id_raw: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    village_code: str | None = None
    household_key: str | None = None
    head_name: str | None = None
    guardian_name: str | None = None
    xueji_no: str | None = None
    extra: dict = field(default_factory=dict)


def to_row(rec: Rec, row_no: int) -> dict:
    nm = normalize_name(rec.name)
    ident = normalize_id(rec.id_raw)
    idn, valid = ident.id_norm, ident.id_valid
    birth = ident.birth_date if valid else rec.birth_date
    sex = ident.sex if valid else rec.sex
    name_norm, surname, given = nm.name_norm, nm.surname, nm.given_name
    v = rec.village_code
    return {
        "record_key": f"{rec.source}:{row_no}",
        "source": rec.source,
        "row_no": row_no,
        "fingerprint": f"{rec.source}|{idn or ''}|{name_norm}|{rec.xueji_no or ''}",
        "id_raw": rec.id_raw,
        "id_norm": idn,
        "id_valid": valid,
        "id_candidates": list(ident.id_candidates),
        "id_issue": ident.id_issue,
        "id_prefix": ident.id_prefix,
        "xueji_no": rec.xueji_no,
        "name_raw": rec.name,
        "name_norm": name_norm,
        "surname": surname,
        "given_name": given,
        "name_pinyin": nm.name_pinyin,
        "surname_pinyin": nm.surname_pinyin,
        "given_pinyin": nm.given_pinyin,
        "name_swapped": nm.name_swapped,
        "birth_date": birth,
        "sex": sex,
        "village_code": v,
        "town_code": v[:9] if v else None,
        "county_code": v[:6] if v else None,
        "school_id": None,
        "school_county": None,
        "household_key": rec.household_key,
        "head_name": rec.head_name,
        "guardian_name": rec.guardian_name,
        "birth_county": ident.birth_county,
        "warnings": [],
        **rec.extra,
    }


def load(con: duckdb.DuckDBPyConnection, recs: list[Rec]) -> list[str]:
    """Create ``person_records`` from ``recs``; return their record keys in order."""
    counters: dict[str, int] = {}
    rows = []
    for rec in recs:
        counters[rec.source] = counters.get(rec.source, 0) + 1
        rows.append(to_row(rec, counters[rec.source]))
    import pyarrow as pa

    cols = ", ".join(f"{c}::{t} AS {c}" for c, t in COLUMNS.items())
    arrow = pa.Table.from_pylist([{c: r[c] for c in COLUMNS} for r in rows])
    con.register("_records_arrow", arrow)
    con.execute(f"CREATE OR REPLACE TABLE person_records AS SELECT {cols} FROM _records_arrow")
    con.unregister("_records_arrow")
    return [r["record_key"] for r in rows]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单仇"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国子涵梓轩浩宇欣怡雨萱一诺思远佳琪博文俊豪晨阳嘉怡紫萱天佑"


def population(n_households: int, seed: int, region: str = "431224") -> tuple[list[Rec], list[int]]:
    """A small population: households of 1-3 children, each child in hukou and xueji,
    some in fupin, with a little dirt. Returns the records and the true person of each.
    """
    rnd = random.Random(seed)
    recs: list[Rec] = []
    truth: list[int] = []
    pid = 0
    for h in range(n_households):
        surname = rnd.choice(SURNAMES)
        village = f"{region}{rnd.randint(100, 119):03d}{rnd.randint(200, 205):03d}"
        hh = f"H{region}{h:06d}"
        head = surname + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        poor = rnd.random() < 0.3
        for _ in range(rnd.randint(1, 3)):
            pid += 1
            birth = date(2010, 1, 1) + timedelta(days=rnd.randint(0, 3000))
            sex_digit = rnd.randint(0, 9)
            idn = make_id(region, birth, rnd.randint(0, 99) * 10 + sex_digit)
            given = rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
            name = surname + given
            xno = "G" + idn
            recs.append(Rec("hukou", name, idn, village_code=village, household_key=hh, head_name=head))
            truth.append(pid)
            x_id = idn
            if rnd.random() < 0.1:  # transposition typo
                i = rnd.randint(6, 15)
                x_id = idn[:i] + idn[i + 1] + idn[i] + idn[i + 2 :]
            recs.append(
                Rec("xueji", name, x_id, birth_date=birth, village_code=village, guardian_name=head, xueji_no=xno)
            )
            truth.append(pid)
            if poor:
                recs.append(Rec("fupin", name, idn, village_code=village, household_key="F" + hh, head_name=head))
                truth.append(pid)
    return recs, truth


def load_families(con: duckdb.DuckDBPyConnection, background: list[Rec],
                  members: list[tuple[str, str, str | None, str, str, str, str]]) -> list[str]:
    """``load`` the background and one record per member ``(source, name, id, household,
    head, 与户主关系, village)``, and the sources' own tables with 与户主关系 (hukou,
    fupin) as ingest writes them. Returns the members' record keys in order."""
    recs = [Rec(src, name, idn, village_code=village, household_key=hh, head_name=head)
            for src, name, idn, hh, head, _rel, village in members]
    keys = load(con, background + recs)
    member_keys = keys[len(background):]
    relation = {k: m[5] for k, m in zip(member_keys, members, strict=True)}
    for source in ("hukou", "fupin"):
        con.execute(f"CREATE TABLE {source} (record_key VARCHAR, relation VARCHAR)")
        rows = [(k, relation.get(k)) for k in keys if k.startswith(source + ":")]
        con.executemany(f"INSERT INTO {source} VALUES (?, ?)", rows)
    return member_keys
