"""Guard for speed work on the reader: dump every table that ``ingest_bundle`` leaves
in the workspace, then compare two dumps row for row, in stored order.

    .venv/bin/python benchmarks/ingest_compare.py dump BUNDLE OUT_DIR    # before and after a change
    .venv/bin/python benchmarks/ingest_compare.py diff OLD_DIR NEW_DIR   # exit 1 when anything differs

A dump is one parquet file per table (``person_records``, the six per-system tables,
``contacts``, ``visits``, ``rejects``, ``divisions``, ``schools``, ``manifest``,
``ingest_counts``) plus ``_schema.txt`` (tables, column names and types, and which
temporary tables were left behind). ``diff`` needs the same schema and, per table, the
same rows in the same order (each row numbered by its position in the file); it also
says whether the rows ordered by their key are the same, which tells an ordering change
from a value change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb

from notoneless.bundle.ingest import ingest_bundle


def dump(bundle: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as ws:
        con = duckdb.connect(str(Path(ws) / "linkage.duckdb"))  # a file, as `notoneless run` uses
        ingest_bundle(bundle, con)
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
        temps = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY 1").fetchall()]
        lines = []
        for t in tables:
            lines.append(t)
            lines += [f"  {name} {typ}" for name, typ, *_ in con.execute(f"DESCRIBE {t}").fetchall()]
        lines.append("temporary tables left: " + ",".join(temps))
        (out / "_schema.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for t in tables:
            con.execute(f"COPY (SELECT * FROM {t}) TO '{out / t}.parquet' (FORMAT parquet)")
        con.close()
    print(f"{bundle}: {len(tables)} tables → {out}")


def _missing(con: duckdb.DuckDBPyConnection, a: str, b: str) -> int:
    """Rows of a (numbered by position) that b lacks, counting duplicates."""
    return con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]


def diff(old: Path, new: Path) -> bool:
    same = (old / "_schema.txt").read_text(encoding="utf-8") == (new / "_schema.txt").read_text(encoding="utf-8")
    if not same:
        print("schema differs (tables, columns, types or left-over temporary tables)")
    con = duckdb.connect()
    for p in sorted(old.glob("*.parquet")):
        q = new / p.name
        if not q.is_file():
            print(f"{p.stem}: missing in {new}")
            same = False
            continue
        pos = lambda f: f"(SELECT * FROM read_parquet('{f}', file_row_number = true))"  # noqa: E731
        plain = lambda f: f"(SELECT * FROM read_parquet('{f}'))"  # noqa: E731
        n_old, n_new = (con.execute(f"SELECT count(*) FROM '{f}'").fetchone()[0] for f in (p, q))
        in_order = _missing(con, pos(p), pos(q)) + _missing(con, pos(q), pos(p))
        as_set = _missing(con, plain(p), plain(q)) + _missing(con, plain(q), plain(p))
        ok = n_old == n_new and in_order == 0
        print(f"{p.stem:16s} rows {n_old:8d} / {n_new:8d}  rows differing in stored order {in_order:6d}, "
              f"ignoring order {as_set:6d}  {'same' if ok else 'DIFFERENT'}")
        same &= ok
    print("IDENTICAL" if same else "DIFFERENT")
    return same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("bundle", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("diff")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.bundle, args.out)
    else:
        sys.exit(0 if diff(args.old, args.new) else 1)


if __name__ == "__main__":
    main()
