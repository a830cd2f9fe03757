"""The entry point of reading a bundle: ``ingest_bundle`` reads the ten files of a
bundle directory, normalises their values and writes the staging tables of
docs/workspace.md ("Written by bundle.ingest") into a DuckDB connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from notoneless.bundle import maps, schema, staging
from notoneless.bundle.aliases import ALIAS_FILE, Aliases, load_aliases, merge
from notoneless.bundle.files import RawFile, bundle_warnings, find_file, read_file
from notoneless.bundle.manifest import Manifest, load_manifest
from notoneless.bundle.work import Work
from notoneless.errors import BundleError


@dataclass(frozen=True)
class FileCount:
    rows_in: int
    accepted: int
    rejected: int


@dataclass
class IngestReport:
    manifest: Manifest
    counts: dict[str, FileCount] = field(default_factory=dict)
    rejects: int = 0
    seconds: float = 0.0
    encodings: dict[str, str] = field(default_factory=dict)  # stem → utf-8 / utf-8-sig / gb18030 / xlsx
    warnings: list[dict[str, str]] = field(default_factory=list)  # files.bundle_warnings: unknown files, name case

    @property
    def person_rows(self) -> int:
        return sum(self.counts[s].rows_in for s in schema.PERSON_SOURCES if s in self.counts)

    def summary_zh(self) -> str:
        """One line per file, for the CLI."""
        lines = [f"{s}（{schema.FILES[s].label}）：读入 {c.rows_in}，接收 {c.accepted}，拒收 {c.rejected}"
                 for s, c in self.counts.items()]
        return "\n".join(lines)


def ingest_bundle(
    bundle_dir: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    workspace_aliases: Path | None,
    extra_aliases: Path | None = None,
    on_progress: Callable[[str, int], None] | None = None,
) -> IngestReport:
    """Read ``bundle_dir`` into ``con``. Raises BundleError (one line, what to do) when
    the bundle cannot be read: no such directory, no or a bad manifest, one of the ten
    files missing (all ten are required; a system without data sends a header-only
    file), a file in an unknown encoding, a required column missing.

    Header aliases beyond the built-in ones come from ``<bundle>/header_aliases.json``
    and from ``extra_aliases`` or, when that is None, from ``workspace_aliases`` (the
    workspace's file, ``Settings.paths.aliases``; None: none) if that file exists.
    ``on_progress(stage, count)`` is called after each file and each stage.
    """
    t0 = time.perf_counter()
    bundle_dir = Path(bundle_dir)
    if not bundle_dir.is_dir():
        raise BundleError(f"数据包目录不存在：{bundle_dir}；请检查路径")
    progress = on_progress or (lambda _stage, _n: None)
    con.execute("SET enable_progress_bar = false")  # progress is reported through on_progress
    manifest = load_manifest(bundle_dir)

    parts: list[Aliases] = []
    if (bundle_dir / ALIAS_FILE).is_file():
        parts.append(load_aliases(bundle_dir / ALIAS_FILE))
    if extra_aliases is not None:
        if not Path(extra_aliases).is_file():
            raise BundleError(f"表头别名文件不存在：{extra_aliases}")
        parts.append(load_aliases(Path(extra_aliases)))
    elif workspace_aliases is not None and Path(workspace_aliases).is_file():
        parts.append(load_aliases(Path(workspace_aliases)))
    aliases = merge(*parts)

    for stem in schema.ALL_STEMS:  # check all ten exist before the slow part
        find_file(bundle_dir, stem)
    warnings = bundle_warnings(bundle_dir)

    def read(stem: str) -> Callable[[duckdb.DuckDBPyConnection], RawFile]:
        def task(cur: duckdb.DuckDBPyConnection) -> RawFile:
            raw = read_file(bundle_dir, stem, aliases)
            staging.load_raw(cur, raw)
            return raw
        return task

    with Work(con) as work:  # the working tables; only the documented tables stay
        raws = dict(zip(schema.ALL_STEMS, work.run([read(s) for s in schema.ALL_STEMS])))
        for stem, raw in raws.items():
            progress(f"read {stem}", raw.rows_in)
        staging.stage_manifest(con, manifest)
        maps.build_maps(work, raws)
        progress("normalise", sum(r.rows_in for r in raws.values()))
        with staging.staging_settings(con):
            counts = staging.stage(work, raws)
    progress("stage", sum(c[1] for c in counts.values()))

    report = IngestReport(
        manifest=manifest,
        counts={s: FileCount(*c) for s, c in counts.items()},
        rejects=sum(c[2] for c in counts.values()),
        seconds=time.perf_counter() - t0,
        encodings={s: r.encoding for s, r in raws.items()},
        warnings=warnings,
    )
    return report
