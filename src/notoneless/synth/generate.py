"""`generate_bundle`: the whole generator, from a `WorldConfig` to ``OUT/bundle`` (the
ten files and the manifest of the contract) and ``OUT/truth`` (the answer key).

One `random.Random(seed)` drives everything in a fixed order over lists, so the same
configuration gives byte-identical files.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from notoneless.bundle.schema import FILES
from notoneless.synth.dirt import corrupt
from notoneless.synth.geography import build_geography
from notoneless.synth.people import assign_lives, build_population
from notoneless.synth.rates import WorldConfig
from notoneless.synth.schools import build_schools
from notoneless.synth.systems import World, project
from notoneless.synth.truth import write_truth
from notoneless.synth.writer import FORMATS, format_for, write_manifest, write_table


@dataclass
class GenerationSummary:
    bundle_dir: Path
    truth_dir: Path
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # stem -> (file name, rows)
    findings: dict[str, int] = field(default_factory=dict)
    persons: int = 0  # true persons with at least one record
    person_records: int = 0


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The world is hundreds of thousands of small objects that live until the end:
    the cyclic garbage collector would only rescan them (about a quarter of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_world(config: WorldConfig) -> World:
    """The simulated world with clean and written rows (nothing on disk)."""
    with _no_cyclic_gc():
        return _build_world(config)


def _build_world(config: WorldConfig) -> World:
    rng = random.Random(config.seed)
    geo = build_geography(rng, config.counties, config.villages_per_county)
    schools = build_schools(rng, geo)
    pop = build_population(rng, geo, config)
    assign_lives(rng, pop, geo, schools, config)
    world = project(rng, geo, schools, pop, config)
    corrupt(rng, world)
    return world


def manifest_for(world: World) -> dict[str, str]:
    cfg = world.config
    prefecture = world.geography.prefectures[0][1]
    return {"name": f"{prefecture} {cfg.term} 比对", "province_code": "43", "term": cfg.term,
            "reference_date": cfg.reference_date.isoformat()}


def write_bundle(world: World, bundle_dir: Path, formats: Sequence[str] = FORMATS) -> dict[str, tuple[str, int]]:
    bundle_dir.mkdir(parents=True, exist_ok=True)
    for stale in list(bundle_dir.glob("*.csv")) + list(bundle_dir.glob("*.xlsx")):
        if stale.stem in FILES:
            stale.unlink()
    write_manifest(bundle_dir / "manifest.json", manifest_for(world))
    files = {}
    for stem, spec in FILES.items():
        headers = spec.headers
        rows = world.rows[stem]
        fmt = format_for(stem, formats)
        path = write_table(bundle_dir / stem, fmt, headers, (r.written for r in rows))  # type: ignore[misc]
        files[stem] = (path.name + ("" if fmt in ("csv", "xlsx") else f" ({fmt})"), len(rows))
    return files


def generate_bundle(out: Path, config: WorldConfig, formats: Sequence[str] = FORMATS,
                    progress: Callable[[str], None] | None = None) -> GenerationSummary:
    """Generate ``out/bundle`` and ``out/truth`` for `config`."""
    say = progress or (lambda _msg: None)
    say(f"模拟 {config.counties} 个县, 每县 {config.children_per_county} 名儿童 (seed {config.seed}) …")
    with _no_cyclic_gc():
        world = _build_world(config)
        summary = GenerationSummary(out / "bundle", out / "truth")
        say("写出数据包 bundle/ …")
        summary.files = write_bundle(world, summary.bundle_dir, formats)
        say("写出答案 truth/ …")
        summary.findings = write_truth(world, summary.truth_dir)
    pids = set()
    for stem in ("hukou", "xueji", "fupin", "canlian", "minzheng", "zizhu"):
        for r in world.rows[stem]:
            pids.add(r.person.pid)  # type: ignore[union-attr]
            summary.person_records += 1
    summary.persons = len(pids)
    return summary
