"""Constructed ``person_records`` and ``predictions`` for the clustering and stable-id
tests: a test states the records and the scored pairs it wants; the identity fields
are derived with ingest's own normalisers (notoneless.normalize), so an ID number is
valid, invalid or repairable exactly as a real run would see it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
from stdnum.cn import ric

from notoneless.normalize.idnumber import is_valid_id, normalize_id
from notoneless.normalize.names import normalize_name


def valid_id(region: str, birth: date, seq: int) -> str:
    """A valid ID number (correct GB 11643 check digit)."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character
    assert is_valid_id(number), number
    return number


def typo(number: str, position: int) -> str:
    """``number`` with the digit at ``position`` (0-based, < 17) changed: invalid."""
    d = str((int(number[position]) + 1) % 10)
    out = number[:position] + d + number[position + 1 :]
    assert not is_valid_id(out), out
    return out


def with_check(body17: str) -> str:
    number = body17 + ric.calc_check_digit(body17 + "0")
    assert is_valid_id(number), number
    return number


@dataclass
class R:
    """One constructed record: ``key`` is its record_key (``<source>:<row>``)."""

    key: str
    name: str | None = None
    id_raw: str | None = None
    fingerprint: str | None = None
    household: str | None = None  # household_key: the household's number in the record's list


def load_records(con: duckdb.DuckDBPyConnection, recs: list[R]) -> None:
    rows = []
    for r in recs:
        idr = normalize_id(r.id_raw)
        nm = normalize_name(r.name)
        source, _, row = r.key.partition(":")
        rows.append(
            {
                "record_key": r.key,
                "source": source,
                "row_no": int(row),
                "fingerprint": r.fingerprint or f"{source}|{idr.id_norm or ''}|{nm.name_norm or ''}|{r.key}",
                "id_norm": idr.id_norm,
                "id_valid": idr.id_valid,
                "id_candidates": list(idr.id_candidates),
                "name_norm": nm.name_norm,
                "surname": nm.surname,
                "given_name": nm.given_name,
                "name_pinyin": nm.name_pinyin,
                "surname_pinyin": nm.surname_pinyin,
                "given_pinyin": nm.given_pinyin,
                "birth_date": idr.birth_date,
                "household_key": r.household,
            }
        )
    schema = pa.schema(
        [
            ("record_key", pa.string()),
            ("source", pa.string()),
            ("row_no", pa.int32()),
            ("fingerprint", pa.string()),
            ("id_norm", pa.string()),
            ("id_valid", pa.bool_()),
            ("id_candidates", pa.list_(pa.string())),
            ("name_norm", pa.string()),
            ("surname", pa.string()),
            ("given_name", pa.string()),
            ("name_pinyin", pa.string()),
            ("surname_pinyin", pa.string()),
            ("given_pinyin", pa.string()),
            ("birth_date", pa.date32()),
            ("household_key", pa.string()),
        ]
    )
    con.register("_records_in", pa.Table.from_pylist(rows, schema=schema))
    con.execute("CREATE OR REPLACE TABLE person_records AS SELECT * FROM _records_in")
    con.unregister("_records_in")


def weight(p: float) -> float:
    return math.log2(p / (1 - p))


def load_predictions(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str, float]]) -> None:
    """``predictions`` from (record_key_l, record_key_r, match_probability)."""
    con.execute(
        "CREATE OR REPLACE TABLE predictions (record_key_l VARCHAR, record_key_r VARCHAR, "
        "match_weight DOUBLE, match_probability DOUBLE)"
    )
    if pairs:
        con.executemany(
            "INSERT INTO predictions VALUES (?, ?, ?, ?)", [(l, r, weight(p), p) for l, r, p in pairs]
        )


def clusters(con: duckdb.DuckDBPyConnection) -> list[set[str]]:
    """The clusters as sets of record keys, sorted by their smallest key."""
    rows = con.execute("SELECT cluster_id, list(record_key) FROM clusters GROUP BY 1").fetchall()
    return sorted((set(keys) for _, keys in rows), key=min)


def same_cluster(con: duckdb.DuckDBPyConnection, a: str, b: str) -> bool:
    (n,) = con.execute(
        "SELECT count(DISTINCT cluster_id) FROM clusters WHERE record_key IN (?, ?)", [a, b]
    ).fetchall()[0]
    return n == 1


def conflicts(con: duckdb.DuckDBPyConnection, code: str | None = None) -> list[tuple]:
    """(record_key_l, record_key_r, code) of identity_conflicts, optionally one code."""
    rows = con.execute(
        "SELECT record_key_l, record_key_r, code FROM identity_conflicts ORDER BY 3, 1, 2"
    ).fetchall()
    return [r for r in rows if code is None or r[2] == code]


def full_pairs(keys: list[str], p: float) -> list[tuple[str, str, float]]:
    """Every pair of ``keys`` at probability ``p`` (the records of one person)."""
    return [(a, b, p) for i, a in enumerate(keys) for b in keys[i + 1 :]]
