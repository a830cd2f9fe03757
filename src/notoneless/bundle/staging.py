"""Staging a read bundle into the DuckDB workspace (tables listed in docs/workspace.md).

Set-based: the raw rows go into working tables as text (``bundle/work.py``); every
*distinct* raw value of a kind is normalised once into a map table (``bundle/maps.py``);
the output tables are then built by joins in DuckDB, the independent ones side by side
(``stage``). The statements live beside this module: staging_reference.py (divisions,
schools, contacts, visits), staging_persons.py (the six person files, person_records)
and staging_sql.py (shared SQL fragments); this one holds the session settings, the
raw tables, rejects, the manifest, the counts and ``stage``, which runs them.

Per-field decisions (reject or warn), see also ``rejects.py``:

- a person row is rejected only when it has no usable identity: no ID number that can
  be read (missing, scientific notation or malformed), no 学籍号 and no name;
- ``fingerprint`` (stable across runs, not the row number) hashes the source and the
  record's natural key: normalised ID (or the honest prefix), 学籍号, name, birth date,
  sex, household key, registration code and school (so the same child registered in
  two households or at two schools gives two keys), plus for zizhu the payment fields
  (project, amount, term, paying county, date). Rows with identical natural keys get
  ``#2``, ``#3`` … in row order;
- everything else that is wrong is accepted with a warning code in ``warnings``
  (``person_records``, ``contacts``, ``visits``): ``id_<issue>`` (bad_check,
  sci_notation, malformed, len15, disability_cert), ``id_from_xueji_no`` (ID taken
  from a G-学籍号 because the ID column was empty), ``id_xueji_no_mismatch``,
  ``birth_date_invalid``/``birth_date_unparseable``/``birth_date_mismatch`` (column vs
  valid ID), ``sex_invalid``/``sex_mismatch``, ``division_invalid``/
  ``division_unknown`` (not in divisions), ``household_key_missing``,
  ``hukou_status_invalid``, ``enrol_status_invalid``, ``grade_invalid``,
  ``school_missing``/``school_unknown``, ``hukou_code_invalid``, ``boarding_invalid``,
  ``poverty_type_invalid``, ``relief_type_invalid``, ``amount_invalid``,
  ``term_invalid``, ``paid_date_invalid``, ``paying_county_invalid``,
  ``duty_type_invalid``, ``status_invalid``, ``target_invalid``, ``method_invalid``;
  the field itself is NULL then. A zizhu payment with an unreadable 金额 is kept (it is
  still a payment: it counts for 笔数 in duplicate subsidies and as "paid" for missed
  subsidies; its amount is NULL and cannot be summed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from notoneless.bundle import maps, schema
from notoneless.bundle.files import RawFile
from notoneless.bundle.manifest import Manifest
from notoneless.bundle.rejects import REASONS
from notoneless.bundle.staging_persons import stage_person_file, stage_person_records, stage_person_tables
from notoneless.bundle.staging_reference import stage_reference, stage_responsibility
from notoneless.bundle.work import Work, from_arrow, shared

_STR = pa.string()


@contextmanager
def staging_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Within the block, tables written to the workspace file keep their strings
    uncompressed: choosing and applying DuckDB's string compression (DICT_FSST) costs
    about as much CPU as all the joins of the person files, for a file that is rebuilt
    on every run anyway (``run._fresh_workspace``). And insertion order is preserved
    (DuckDB's default, made sure of: the tables are stored in row order without sorting,
    see ``staging_persons._in_row_order``). The settings are put back afterwards.

    Used by the two stages that write most of the workspace: ingest's staging and the
    linkage (``linkage.scoring.link``: at 1M records its tables took ~3 s less to write,
    the prepared inputs 2.0 -> 1.2 s and the person ids 2.3 -> 1.4 s). Values are the
    same either way; the file is larger, and so is what DuckDB keeps of it in memory (a
    whole first run at 1M: link stage 24.3 / 28.8 -> 20.6 / 22.5 s, peak RSS 2.96 / 2.87 ->
    3.27 / 3.15 GiB, alternated, docs/scale.md)."""
    settings = {"disabled_compression_methods": "dict_fsst", "preserve_insertion_order": True}
    before = {k: con.execute(f"SELECT current_setting('{k}')").fetchone()[0] for k in settings}
    for k, v in settings.items():
        con.execute(f"SET {k} = ?", [v])
    try:
        yield
    finally:
        for k, v in before.items():
            con.execute(f"SET {k} = ?", [v])


# --- raw tables -------------------------------------------------------------------------


def load_raw(con: duckdb.DuckDBPyConnection, raw: RawFile) -> None:
    arrays = {"row_no": pa.array(raw.row_nos, pa.int32())}
    for fld, vals in raw.values.items():
        arrays[fld] = vals if isinstance(vals, pa.ChunkedArray) else pa.array(vals, _STR)
    from_arrow(con, shared(f"raw_{raw.stem}"), pa.table(arrays))


def stage_rejects(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> None:
    keys, codes_, reasons = [], [], []
    for stem, raw in raws.items():
        for row_no, code, detail in raw.structural_rejects:
            keys.append(f"{stem}:{row_no}")
            codes_.append(str(code))
            reasons.append(REASONS[code] + detail)
    from_arrow(con, "_structural_rejects", pa.table({
        "record_key": pa.array(keys, _STR), "code": pa.array(codes_, _STR), "reason": pa.array(reasons, _STR),
    }))
    from_arrow(con, "_reasons", pa.table({
        "code": pa.array([str(c) for c in REASONS], _STR), "reason": pa.array(list(REASONS.values()), _STR),
    }))
    row_key = {s: ("row_key" if s in schema.RESPONSIBILITY_FILES else f"'{s}:' || row_no") for s in schema.ALL_STEMS}
    parts = [
        f"SELECT {row_key[s]} AS record_key, _reject AS code FROM _w_{s} WHERE _reject IS NOT NULL"
        for s in schema.ALL_STEMS
    ]
    con.execute(f"""
        CREATE OR REPLACE TABLE rejects AS
        SELECT record_key, code, reason FROM (
            SELECT * FROM _structural_rejects
            UNION ALL
            SELECT w.record_key, w.code, rs.reason FROM ({' UNION ALL '.join(parts)}) w JOIN _reasons rs USING (code)
        )
        ORDER BY split_part(record_key, ':', 1), split_part(record_key, ':', 2)::INTEGER
    """)


def stage_manifest(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    con.execute("CREATE OR REPLACE TABLE manifest (name VARCHAR, province_code VARCHAR, term VARCHAR, "
                "reference_date DATE, school_year_start DATE)")
    con.execute("INSERT INTO manifest VALUES (?, ?, ?, ?, ?)", [
        manifest.name, manifest.province_code, manifest.term, manifest.reference_date, manifest.school_year_start,
    ])


def count_rows(con: duckdb.DuckDBPyConnection, raws: dict[str, RawFile]) -> dict[str, tuple[int, int, int]]:
    """stem → (rows_in, accepted, rejected); asserts rows_in = accepted + rejected."""
    out: dict[str, tuple[int, int, int]] = {}
    for stem in schema.ALL_STEMS:
        raw = raws[stem]
        accepted = con.execute(f"SELECT count(*) FROM _w_{stem} WHERE _reject IS NULL").fetchone()[0]
        rejected = con.execute(
            "SELECT count(*) FROM rejects WHERE split_part(record_key, ':', 1) = ?", [stem]
        ).fetchone()[0]
        if raw.rows_in != accepted + rejected:
            raise AssertionError(f"{stem}: rows in {raw.rows_in} != accepted {accepted} + rejected {rejected}")
        out[stem] = (raw.rows_in, accepted, rejected)
    con.execute("CREATE OR REPLACE TABLE ingest_counts (stem VARCHAR, rows_in INTEGER, accepted INTEGER, rejected INTEGER)")
    con.executemany("INSERT INTO ingest_counts VALUES (?, ?, ?, ?)", [(s, *c) for s, c in out.items()])
    return out


def stage(work: Work, raws: dict[str, RawFile]) -> dict[str, tuple[int, int, int]]:
    """Every output table from the working rows and maps; ``count_rows``' counts.
    Independent tables are built side by side: first the working rows of the six
    person files (largest first, so that both threads finish about together), then
    ``person_records`` (one statement on one thread, mostly writing the workspace file)
    beside everything else: the person files' own tables, the 包保对象 map (only
    contacts and visits use it), contacts, visits, rejects and the counts."""
    stage_reference(work.cursor())  # the person files check their codes against divisions and schools
    persons = sorted(schema.PERSON_SOURCES, key=lambda s: -raws[s].rows_in)
    work.run([lambda con, raw=raws[s]: stage_person_file(con, raw) for s in persons])

    def the_rest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int]]:
        stage_person_tables(con)
        maps.build_responsibility_maps(con, raws)
        stage_responsibility(con)
        stage_rejects(con, raws)
        return count_rows(con, raws)

    return work.run([stage_person_records, the_rest])[1]


__all__ = ["count_rows", "load_raw", "stage", "stage_manifest", "staging_settings"]
