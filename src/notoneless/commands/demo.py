"""``notoneless demo``: the README's demo — the sample bundle (generated once into the
workspace) run end to end; prints where the findings are."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from notoneless.config import Settings


def demo_dir(settings: Settings, counties: int, children_per_county: int, seed: int) -> Path:
    return settings.workspace / "demo" / f"{counties}x{children_per_county}-{seed}"


def run(settings: Settings, console: Console, *, counties: int, children_per_county: int, seed: int) -> None:
    from notoneless.commands import graph as graph_commands
    from notoneless.run import run_bundle
    from notoneless.synth import WorldConfig, generate_bundle

    if settings.local_graph:
        graph_commands.build(settings, console)
    base = demo_dir(settings, counties, children_per_county, seed)
    bundle = base / "bundle"
    if not (bundle / "manifest.json").is_file():
        config = WorldConfig(counties=counties, children_per_county=children_per_county, seed=seed)
        with console.status("生成样例数据包 …") as status:
            generate_bundle(base, config, progress=lambda msg: status.update(msg))
        console.print(f"样例数据包：{bundle}（答案：{base / 'truth'}）")
    out = base / "out"
    run_bundle(bundle, out, settings, console=console)
    console.print(f"[bold]问题线索[/]：{out / 'findings'}（CSV）与 {out / 'findings.xlsx'}（Excel）")
    console.print("查看一名儿童的完整档案：notoneless trail <人员编号|身份证号|学籍号>")
