"""The top-level commands of the job itself: ``generate`` (the sample bundle with its
answer key), ``run`` (the whole job on a bundle), ``demo`` (both, once), ``trail`` (a
child's record in the graph) and ``explain`` (why two records are or are not one
person). Plain functions; ``notoneless.cli`` registers them on the root app, in the
order the help lists them. The work is in ``notoneless.commands`` and ``notoneless.run``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from notoneless.cli.consoles import READER_HELP, console

PROFILE_HELP = ("生成规则：default（一般情形，同一种子与以往逐字节相同）或 hard（扶贫、民政、残联名单手工录入："
                "身份证号缺失与错录更多、户主姓名不一、同户子女同辈字、同村同名、子女列在祖父母户下）")


def _check_profile(profile: str) -> None:
    from notoneless.synth.rates import PROFILES

    if profile not in PROFILES:
        raise typer.BadParameter(f"未知的生成规则 {profile}：可选 {'、'.join(PROFILES)}", param_hint="--profile")


def demo_command(
    counties: int = typer.Option(4, "--counties", help="县的数量"),
    children_per_county: int = typer.Option(15_000, "--children-per-county", help="每县儿童数"),
    seed: int = typer.Option(20251015, "--seed", help="随机种子"),
    profile: str = typer.Option("default", "--profile", help=PROFILE_HELP),
) -> None:
    """演示：生成样例数据包（首次）并完整运行比对，显示问题线索所在位置。
    Demo: generate the sample bundle (once) and run the whole job on it; prints where the findings are."""
    from notoneless.commands import demo
    from notoneless.config import get_settings

    _check_profile(profile)
    demo.run(get_settings(), console, counties=counties, children_per_county=children_per_county, seed=seed,
             profile=profile)


# --- linkage: explain ----------------------------------------------------------
def explain_command(
    record_key_a: str = typer.Argument(..., help="第一条记录的键，如 xueji:17"),
    record_key_b: str = typer.Argument(..., help="第二条记录的键，如 hukou:5"),
    by: str | None = typer.Option(None, "--by", help=READER_HELP),
) -> None:
    """解释两条记录为何是（或不是）同一人：各比较项的判定与权重、合计与聚类结论。
    Explain why two records are or are not the same person (reads the last run's workspace)."""
    from notoneless.commands.explain import run as run_explain
    from notoneless.config import get_settings

    run_explain(record_key_a, record_key_b, get_settings(), console, by=by)


# --- run: the whole job, and a child's trail ---------------------------------------
def run_command(
    bundle: Path = typer.Argument(..., help="数据包目录（manifest.json 与各系统文件）"),
    out: Path = typer.Option(..., "--out", "-o", help="结果目录：entities.csv、rejects.csv、findings/*.csv、findings.xlsx"),
    new_ledger: bool = typer.Option(
        False, "--new-ledger",
        help="工作区有比对历史而图数据库中没有其台账时，确认从新台账开始（否则拒绝运行；应先 notoneless restore 恢复备份）"),
) -> None:
    """比对：读取数据包 → 人员比对 → 写入图数据库 → 五项检查，结果写入 OUT。
    Run the whole job on a bundle and write the contract's outputs into OUT."""
    from notoneless.config import get_settings
    from notoneless.run import run_bundle

    run_bundle(bundle, out, get_settings(), console=console, new_ledger=new_ledger)


def trail_command(
    key: str = typer.Argument(..., help="人员编号、身份证号或学籍号"),
    by: str | None = typer.Option(None, "--by", help=READER_HELP),
) -> None:
    """查看一名儿童的完整档案：各系统记录、户、学校、资助、联系人、走访、问题线索（记入审计）。
    Print a child's whole record from the graph (person_id, ID number or 学籍号); the read is audited."""
    from notoneless.access.users import find_user
    from notoneless.config import get_settings
    from notoneless.graph.store import open_graph
    from notoneless.trail import trail_command as print_trails

    settings = get_settings()
    with open_graph(settings) as store:
        print_trails(key, store, console, reader=find_user(store, by or settings.user))


# --- generate: the sample bundle with its answer key -----------------------------
def generate_command(
    out: Path = typer.Argument(..., help="输出目录：OUT/bundle（数据包）与 OUT/truth（答案）"),
    counties: int = typer.Option(4, "--counties", help="县的数量（怀化市起，最多 25）"),
    children_per_county: int = typer.Option(15_000, "--children-per-county", help="每县儿童数"),
    seed: int = typer.Option(20251015, "--seed", help="随机种子：相同种子生成逐字节相同的文件"),
    formats: str = typer.Option(
        "csv,bom,gb18030,xlsx", "--formats",
        help="文件格式，逗号分隔：csv (UTF-8)、bom (UTF-8 带 BOM)、gb18030、xlsx；只写 csv 则全部为 UTF-8 CSV",
    ),
    dirt: float = typer.Option(
        1.0, "--dirt", min=0.0,
        help="身份证号与姓名脏数据比例的倍数：1 为一般县，3 为手工录入名单的县（各系统比例见 synth/rates.py）",
    ),
    profile: str = typer.Option("default", "--profile", help=PROFILE_HELP),
) -> None:
    """生成模拟的样例数据包（湖南怀化等县，含脏数据与疑难情形）及其答案。
    Generate a simulated sample bundle with known truth (OUT/bundle, OUT/truth)."""
    from notoneless.commands.generate import run as run_generate

    _check_profile(profile)
    run_generate(out, counties, children_per_county, seed, formats, console, dirt, profile)
