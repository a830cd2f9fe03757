"""Checking a bundle before anything runs (an upload on the officer pages): the reader's
own checks — manifest, the ten files present, encodings, header row, required columns,
header aliases — each problem listed, all of them in one go.

Nothing new is decided here: every check is the reader's (``load_manifest``,
``find_file``, ``read_file`` with ``resolve_columns`` and ``decode_bytes``,
``load_aliases``, ``bundle_warnings``), called per file with its BundleError caught, so
that an officer sees every missing column of every file at once instead of the first.
A bundle without problems is one ``ingest_bundle`` reads; rows it rejects are not
problems (they go to rejects.csv as in any run). It also says which counties the
bundle covers (``coverage.counties_of``), for the upload rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from notoneless.bundle.aliases import ALIAS_FILE, Aliases, load_aliases, merge
from notoneless.bundle.coverage import counties_of
from notoneless.bundle.files import bundle_warnings, find_file, read_file
from notoneless.bundle.manifest import Manifest, load_manifest
from notoneless.bundle.schema import ALL_STEMS
from notoneless.errors import BundleError
from notoneless.normalize.codes import normalize_division


@dataclass
class BundleCheck:
    """What checking a bundle found: problems (each one Chinese line; none: it can run)."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # unknown files, file-name case: read or skipped, said
    manifest: Manifest | None = None
    counties: frozenset[str] | None = None  # the coverage (divisions), None when it names no county
    rows: dict[str, int] = field(default_factory=dict)  # stem → data rows read
    names: dict[str, str] = field(default_factory=dict)  # province and county code → name, from divisions

    @property
    def ok(self) -> bool:
        return not self.problems


def check_bundle(bundle_dir: Path, *, workspace_aliases: Path | None = None) -> BundleCheck:
    """Check ``bundle_dir`` as ``ingest_bundle`` would read it, collecting every problem."""
    out = BundleCheck()
    bundle_dir = Path(bundle_dir)

    def said(exc: BundleError) -> str:  # the reader's message, without the server's path
        return str(exc).replace(f"：{bundle_dir}", "").replace(str(bundle_dir), "数据包")

    if not bundle_dir.is_dir():
        out.problems.append(f"数据包目录不存在：{bundle_dir}")
        return out
    try:
        out.manifest = load_manifest(bundle_dir)
    except BundleError as exc:
        out.problems.append(said(exc))
    parts: list[Aliases] = []
    for path in (bundle_dir / ALIAS_FILE, workspace_aliases):
        if path is not None and Path(path).is_file():
            try:
                parts.append(load_aliases(Path(path)))
            except BundleError as exc:
                out.problems.append(said(exc))
    aliases = merge(*parts)
    present = []
    for stem in ALL_STEMS:
        try:
            find_file(bundle_dir, stem)
            present.append(stem)
        except BundleError as exc:
            out.problems.append(said(exc))
    for stem in present:
        try:
            raw = read_file(bundle_dir, stem, aliases)
        except BundleError as exc:
            out.problems.append(said(exc))
            continue
        out.rows[stem] = raw.rows_in
        if stem == "divisions":
            codes = raw.values["code"]
            codes = codes.to_pylist() if hasattr(codes, "to_pylist") else codes  # Arrow (the fast reader) or a list
            codes = [normalize_division(v) for v in codes]
            out.counties = counties_of(codes)
            names = raw.values["name"]
            names = names.to_pylist() if hasattr(names, "to_pylist") else names
            out.names = {c: str(n).strip() for c, n in zip(codes, names, strict=True) if c and len(c) <= 6 and n}
    if len(present) == len(ALL_STEMS):
        out.warnings = [w["message"] for w in bundle_warnings(bundle_dir)]
    return out

