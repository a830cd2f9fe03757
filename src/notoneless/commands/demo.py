"""``notoneless demo``: the README's demo — the sample bundle (generated once into the
workspace) run end to end; prints where the findings are."""

from __future__ import annotations

import csv
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console

from notoneless.config import Settings


def demo_dir(settings: Settings, counties: int, children_per_county: int, seed: int, profile: str = "default") -> Path:
    suffix = "" if profile == "default" else f"-{profile}"
    return settings.paths.demo / f"{counties}x{children_per_county}-{seed}{suffix}"


def run(settings: Settings, console: Console, *, counties: int, children_per_county: int, seed: int,
        profile: str = "default") -> None:
    from notoneless.commands import graph as graph_commands
    from notoneless.commands.api import demo_officer_lines
    from notoneless.graph.store import open_graph
    from notoneless.run import run_bundle
    from notoneless.synth import generate_bundle
    from notoneless.synth.rates import world_config

    if settings.local_graph:
        graph_commands.build(settings, console)
    base = demo_dir(settings, counties, children_per_county, seed, profile)
    bundle = base / "bundle"
    if not (bundle / "manifest.json").is_file():
        config = world_config(profile, counties=counties, children_per_county=children_per_county, seed=seed)
        with console.status("生成样例数据包 …") as status:
            generate_bundle(base, config, progress=lambda msg: status.update(msg))
        console.print(f"样例数据包：{bundle}（答案：{base / 'truth'}）")
    out = base / "out"
    with open_graph(settings, create=True) as store:
        report = run_bundle(bundle, out, settings, console=console, open_graph=lambda _settings: nullcontext(store))
        county, person_id = _demo_subject(out)
        officer_lines = demo_officer_lines(store, settings, county, person_id) if county else []
    console.print(f"[bold]问题线索[/]：{out / 'findings'}（CSV）与 {out / 'findings.xlsx'}（Excel）")
    console.print("查看一名儿童的完整档案：notoneless trail <人员编号|身份证号|学籍号> --by 演示县级数据员（每次查看记入审计）")
    console.print(f"案件台账：notoneless cases list --county {county or '<县代码>'}（本次新立案 {report.cases.get('new', 0):,} 件）")
    for line in officer_lines:
        console.print(line, soft_wrap=True, highlight=False)


def _demo_subject(out: Path) -> tuple[str | None, str | None]:
    """The county and person of the first suspected dropout, for the demo officer's curl line."""
    path = out / "findings" / "unmatched_children.csv"
    if not path.is_file():
        return None, None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            return row["责任县"], row["person_id"]
    return None, None
