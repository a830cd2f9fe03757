"""Reading generated bundles and answer keys in the synth tests (any format)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook


def read_table(path: Path) -> list[list[str]]:
    """Rows (header first) of a bundle file in any of the generator's formats."""
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        rows = [["" if c is None else str(c) for c in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
        return rows
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text = data.decode("utf-8-sig")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
    return list(csv.reader(io.StringIO(text, newline="")))


def read_truth(out: Path, name: str) -> list[dict[str, str]]:
    with (out / "truth" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def bundle_file(out: Path, stem: str) -> Path:
    (path,) = [p for p in (out / "bundle").iterdir() if p.stem == stem and p.suffix in (".csv", ".xlsx")]
    return path
