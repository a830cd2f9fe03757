"""``notoneless generate``: make a sample bundle with its answer key, show progress and
a table of record counts per file."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from notoneless.bundle.schema import FILES
from notoneless.synth import generate_bundle
from notoneless.synth.rates import world_config
from notoneless.synth.writer import parse_formats


def run(
    out: Path, counties: int, children_per_county: int, seed: int, formats: str, console: Console, dirt: float = 1.0,
    profile: str = "default",
) -> None:
    chosen = parse_formats(formats)
    config = world_config(profile, dirt, counties=counties, children_per_county=children_per_county, seed=seed)
    started = time.perf_counter()
    with console.status("生成中 …") as status:
        summary = generate_bundle(out, config, chosen, progress=lambda msg: status.update(msg))
    seconds = time.perf_counter() - started
    table = Table(title=f"样例数据包 {summary.bundle_dir}", show_lines=False)
    table.add_column("系统")
    table.add_column("文件")
    table.add_column("行数", justify="right")
    for stem, (name, rows) in summary.files.items():
        table.add_row(f"{stem} {FILES[stem].label}", name, f"{rows:,}")
    console.print(table)
    findings = Table(title=f"答案 {summary.truth_dir}")
    findings.add_column("问题线索")
    findings.add_column("条数", justify="right")
    for name, n in summary.findings.items():
        findings.add_row(name, f"{n:,}")
    console.print(findings)
    console.print(
        f"共 {summary.person_records:,} 条人员记录，{summary.persons:,} 名真实人员；用时 {seconds:.1f} 秒。"
        f" {summary.person_records:,} person records of {summary.persons:,} persons in {seconds:.1f} s."
    )
