"""The ``notoneless`` command line (typer + rich).

Every command reports errors of the project (``NotOneLessError``) as one line on
stderr with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from notoneless.errors import NotOneLessError

app = typer.Typer(
    name="notoneless",
    help="NotOneLess 一个不能少: link child records across registries and find children out of school, "
    "missed or duplicate subsidies and contact gaps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

# --- command groups are registered below, one block per area -------------------


# --- graph: the local Neo4j server and the schema -------------------------------
graph_app = typer.Typer(
    help="图数据库 Neo4j：构建、启动、停止本地服务器，查看状态，建立约束与索引。"
    "The graph: build/start/stop the local Neo4j, its status, its schema.",
    no_args_is_help=True,
)
app.add_typer(graph_app, name="graph")


@graph_app.command("build")
def graph_build_command(
    force: bool = typer.Option(False, "--force", help="即使已是最新也重新构建 (rebuild even when up to date)"),
) -> None:
    """用 Maven 构建本地 Neo4j 服务器 (graph_server/)，已是最新则跳过。Build the local Neo4j server with Maven."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.build(get_settings(), console, force=force)


@graph_app.command("start")
def graph_start_command() -> None:
    """在后台启动本地 Neo4j（仅 127.0.0.1），已在运行则不重复启动。Start the local Neo4j in the background."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.start(get_settings(), console)


@graph_app.command("stop")
def graph_stop_command() -> None:
    """正常停止本地 Neo4j。Stop the local Neo4j cleanly."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.stop(get_settings(), console)


@graph_app.command("status")
def graph_status_command() -> None:
    """是否在运行、Bolt 地址、Neo4j 版本、各标签节点数；未运行时退出码为 1。
    Running or not, Bolt URI, Neo4j version, nodes per label (exit code 1 when not running)."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.status(get_settings(), console)


@graph_app.command("init")
def graph_init_command() -> None:
    """建立约束与索引（graph_schema/，可重复执行）。Apply the constraints and indexes (idempotent)."""
    from notoneless.commands import graph as graph_commands
    from notoneless.config import get_settings

    graph_commands.init(get_settings(), console)


# --- demo: the sample bundle, generated once, run end to end ----------------------
@app.command("demo")
def demo_command(
    counties: int = typer.Option(4, "--counties", help="县的数量"),
    children_per_county: int = typer.Option(15_000, "--children-per-county", help="每县儿童数"),
    seed: int = typer.Option(20251015, "--seed", help="随机种子"),
) -> None:
    """演示：生成样例数据包（首次）并完整运行比对，显示问题线索所在位置。
    Demo: generate the sample bundle (once) and run the whole job on it; prints where the findings are."""
    from notoneless.commands import demo
    from notoneless.config import get_settings

    demo.run(get_settings(), console, counties=counties, children_per_county=children_per_county, seed=seed)


# --- linkage: explain ----------------------------------------------------------
@app.command("explain")
def explain_command(
    record_key_a: str = typer.Argument(..., help="第一条记录的键，如 xueji:17"),
    record_key_b: str = typer.Argument(..., help="第二条记录的键，如 hukou:5"),
) -> None:
    """解释两条记录为何是（或不是）同一人：各比较项的判定与权重、合计与聚类结论。
    Explain why two records are or are not the same person (reads the last run's workspace)."""
    from notoneless.commands.explain import run as run_explain
    from notoneless.config import get_settings

    run_explain(record_key_a, record_key_b, get_settings(), console)


# --- run: the whole job, and a child's trail ---------------------------------------
@app.command("run")
def run_command(
    bundle: Path = typer.Argument(..., help="数据包目录（manifest.json 与各系统文件）"),
    out: Path = typer.Option(..., "--out", "-o", help="结果目录：entities.csv、rejects.csv、findings/*.csv、findings.xlsx"),
) -> None:
    """比对：读取数据包 → 人员比对 → 写入图数据库 → 五项检查，结果写入 OUT。
    Run the whole job on a bundle and write the contract's outputs into OUT."""
    from notoneless.config import get_settings
    from notoneless.run import run_bundle

    run_bundle(bundle, out, get_settings(), console=console)


@app.command("trail")
def trail_command(
    key: str = typer.Argument(..., help="人员编号、身份证号或学籍号"),
) -> None:
    """查看一名儿童的完整档案：各系统记录、户、学校、资助、联系人、走访、问题线索。
    Print a child's whole record from the graph (person_id, ID number or 学籍号)."""
    from notoneless.config import get_settings
    from notoneless.graph.store import open_graph
    from notoneless.trail import trail_command as print_trails

    with open_graph(get_settings()) as store:
        print_trails(key, store, console)


# --- generate: the sample bundle with its answer key -----------------------------
@app.command("generate")
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
) -> None:
    """生成模拟的样例数据包（湖南怀化等县，含脏数据与疑难情形）及其答案。
    Generate a simulated sample bundle with known truth (OUT/bundle, OUT/truth)."""
    from notoneless.commands.generate import run as run_generate

    run_generate(out, counties, children_per_county, seed, formats, console, dirt)


# --- the HTTP API: serve, users, the published contract ----------------------------
@app.command("serve")
def serve_command(
    host: str = typer.Option(None, "--host", help="监听地址（默认 NOTONELESS_API_HOST，即 127.0.0.1）"),
    port: int = typer.Option(None, "--port", help="端口（默认 NOTONELESS_API_PORT，即 8000）"),
) -> None:
    """启动数据专干接口（HTTP API，默认只监听 127.0.0.1）；未配置图数据库时启动本地 Neo4j。
    Serve the HTTP API for data officers (uvicorn); starts the local Neo4j if none is configured."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.serve(get_settings(), console, host, port)


users_app = typer.Typer(help="接口用户（数据专干）：签发令牌、列出用户。API users (officers) and their tokens.",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add_command(
    name: str = typer.Argument(..., help="用户名（姓名或岗位）"),
    role: str = typer.Option(..., "--role", help="角色：省级管理员、县级数据员、乡镇专干、学校、只读审计"),
    division: str = typer.Option(..., "--division", help="辖区：行政区划代码（省 2 位、县 6 位、乡 9 位），学校用学校标识码"),
    replace: bool = typer.Option(False, "--replace", help="用户已存在时重新签发令牌（旧令牌失效）"),
) -> None:
    """新建接口用户并显示其令牌（只显示这一次；只保存令牌的哈希）。Create an API user and print their token once."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_add(get_settings(), console, name, role, division, replace)


@users_app.command("list")
def users_list_command() -> None:
    """列出接口用户（姓名、角色、辖区；不含令牌）。List the API users (never their tokens)."""
    from notoneless.commands import api as api_commands
    from notoneless.config import get_settings

    api_commands.users_list(get_settings(), console)


api_app = typer.Typer(help="接口契约。The published HTTP contract.", no_args_is_help=True)
app.add_typer(api_app, name="api")


@api_app.command("openapi")
def api_openapi_command() -> None:
    """输出接口的 OpenAPI 文档（notoneless api openapi > api/openapi.json）。Print the OpenAPI document."""
    from notoneless.commands import api as api_commands

    api_commands.openapi()


# --- cases: the ledger (台账) ---------------------------------------------------------
cases_app = typer.Typer(
    help="案件台账：一生一案，办理到销号。The case ledger: work lists, a case's history, actions, exports.",
    no_args_is_help=True,
)
app.add_typer(cases_app, name="cases")


@cases_app.command("list")
def cases_list_command(
    county: str = typer.Option(None, "--county", help="责任县 6 位区划代码"),
    state: str = typer.Option(None, "--state", help="状态，如 待核实、劝返中、数据已消除·待确认销号、销号"),
    case_type: str = typer.Option(None, "--type", help="案件类型：疑似失学辍学、跨县就读核实、重复资助、漏助、三包缺位"),
    overdue: bool = typer.Option(False, "--overdue", help="只列出已过办理期限且未销号的案件"),
) -> None:
    """列出案件（按期限排序）。List cases by county, state, type; --overdue for those past their deadline."""
    from notoneless.commands.cases import list_command
    from notoneless.config import get_settings

    list_command(get_settings(), console, county, state, case_type, overdue)


@cases_app.command("show")
def cases_show_command(case_id: str = typer.Argument(..., help="案件编号，如 KB-431222-1A2B3C4D5E")) -> None:
    """查看一个案件及其全部办理记录和可执行的操作。Show a case, its events and the actions now allowed."""
    from notoneless.commands.cases import show_command
    from notoneless.config import get_settings

    show_command(get_settings(), console, case_id)


@cases_app.command("act")
def cases_act_command(
    case_id: str = typer.Argument(..., help="案件编号"),
    action: str = typer.Argument(..., help="操作（中文或英文代码），如 开始核实、确认辍学、排除、记录劝返、复学、销号"),
    by: str = typer.Option(..., "--by", help="经办人姓名"),
    reason: str = typer.Option(None, "--reason", help="原因代码：A1–A8（需劝返）、B1–B10（不需劝返）、S1–S4（资助）"),
    evidence: list[str] = typer.Option([], "--evidence", help="佐证材料 种类=编号，可多次使用，如 学籍号=G4301…、公安证明=档案号"),
    note: str = typer.Option(None, "--note", help="备注说明"),
    deadline: str = typer.Option(None, "--deadline", help="限期（书面通知），YYYY-MM-DD"),
    detail: list[str] = typer.Option([], "--detail", help="明细 名称=值，可多次使用，如 日期=2025-10-21、方式=入户、校领导=李某"),
    version: int = typer.Option(None, "--version", help="您看到的案件版本；他人已更新时拒绝保存"),
) -> None:
    """办理案件：按状态机执行一步操作，记录为不可修改的办理记录。Apply one action to a case."""
    from notoneless.commands.cases import act_command
    from notoneless.config import get_settings

    act_command(get_settings(), console, case_id, action, by, reason, evidence, note, deadline, detail, version)


@cases_app.command("export")
def cases_export_command(
    out: Path = typer.Argument(..., help="输出的 XLSX 文件"),
    county: str = typer.Option(..., "--county", help="县级区划代码（6 位）"),
) -> None:
    """导出本县台账（适龄儿童、疑似辍学、辍学、资助、三包缺位、跨县核实、四个一汇总）为 XLSX。
    Export the county's ledgers as one XLSX workbook."""
    from notoneless.commands.cases import export_command
    from notoneless.config import get_settings

    export_command(get_settings(), console, county, out)


# --- contacts: 三包 assignments, visit lists, rosters ----------------------------------
contacts_app = typer.Typer(
    help="三包联系人：指派、解除、更换、在岗状态、登记，每月走访清单，乡镇三包花名册。"
    "Responsible contacts: assign, release, replace, status, register; visit lists; town rosters.",
    no_args_is_help=True,
)
app.add_typer(contacts_app, name="contacts")

_DUTY_HELP = "包保类型：包村、包户、包人"
_TARGET_HELP = "对象（可多次使用）：包村为村级区划代码，包户为户号/户编号（或 hukou:… / fupin:…），包人为人员编号、身份证号或学籍号"
_VILLAGE_HELP = "整村批量：包人为该村全部三包对象儿童，包户为该村全部建档立卡户，包村为该村"
_BY_HELP = "经办人：接口用户名（notoneless users list），按其角色与辖区检查"


@contacts_app.command("assign")
def contacts_assign_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    duty_type: str = typer.Option(..., "--type", help=_DUTY_HELP),
    target: list[str] = typer.Option([], "--target", help=_TARGET_HELP),
    village: str = typer.Option(None, "--village", help=_VILLAGE_HELP),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """指派联系人（逐个或整村批量），记为不可修改的指派记录，立即生效，下次比对计入三包缺位。
    Assign a contact to targets, one by one or for a whole village."""
    from notoneless.commands.contacts import assign_command
    from notoneless.config import get_settings

    assign_command(get_settings(), console, contact_id, duty_type, target, village, by, note)


@contacts_app.command("release")
def contacts_release_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    duty_type: str = typer.Option(..., "--type", help=_DUTY_HELP),
    target: list[str] = typer.Option([], "--target", help=_TARGET_HELP),
    village: str = typer.Option(None, "--village", help=_VILLAGE_HELP),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """解除联系人的包保责任（也解除数据包中的同一责任，除非之后的数据包再次列出）。
    Release a contact from a duty for targets."""
    from notoneless.commands.contacts import release_command
    from notoneless.config import get_settings

    release_command(get_settings(), console, contact_id, duty_type, target, village, by, note)


@contacts_app.command("replace")
def contacts_replace_command(
    old_contact_id: str = typer.Argument(..., help="原联系人编号"),
    new_contact_id: str = typer.Argument(..., help="新联系人编号"),
    duty_type: str = typer.Option(..., "--type", help=_DUTY_HELP),
    target: list[str] = typer.Option([], "--target", help=_TARGET_HELP),
    village: str = typer.Option(None, "--village", help=_VILLAGE_HELP),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """更换联系人：解除原联系人、指派新联系人，一次完成。Replace a contact (release + assign in one transaction)."""
    from notoneless.commands.contacts import replace_command
    from notoneless.config import get_settings

    replace_command(get_settings(), console, old_contact_id, new_contact_id, duty_type, target, village, by, note)


@contacts_app.command("status")
def contacts_status_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    status: str = typer.Argument(..., help="在岗 或 离岗"),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
    note: str = typer.Option(None, "--note", help="备注，如 调离、退休"),
) -> None:
    """设置联系人在岗/离岗；离岗联系人的全部包保责任成为缺位。Set a contact 在岗 or 离岗."""
    from notoneless.commands.contacts import status_command
    from notoneless.config import get_settings

    status_command(get_settings(), console, contact_id, status, by, note)


@contacts_app.command("register")
def contacts_register_command(
    contact_id: str = typer.Argument(..., help="联系人编号（数据包中没有的）"),
    name: str = typer.Option(..., "--name", help="姓名"),
    phone: str = typer.Option(None, "--phone", help="手机号"),
    unit: str = typer.Option(None, "--unit", help="单位"),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
    note: str = typer.Option(None, "--note", help="备注"),
) -> None:
    """登记数据包中没有的联系人（在岗），之后即可指派。Register a contact no bundle lists."""
    from notoneless.commands.contacts import register_command
    from notoneless.config import get_settings

    register_command(get_settings(), console, contact_id, name, phone, unit, by, note)


@contacts_app.command("visits")
def contacts_visits_command(
    contact_id: str = typer.Argument(..., help="联系人编号"),
    month: str = typer.Option(None, "--month", help="月份 YYYY-MM（默认：最近一次比对基准日所在月）"),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
) -> None:
    """联系人每月走访清单：本月已走访、本月待走访、逾期。A contact's monthly visit list."""
    from notoneless.commands.contacts import visits_command
    from notoneless.config import get_settings

    visits_command(get_settings(), console, contact_id, month, by)


@contacts_app.command("roster")
def contacts_roster_command(
    town: str = typer.Option(..., "--town", help="乡镇区划代码（9 位）"),
    out: Path = typer.Option(..., "--out", help="输出的 XLSX 文件"),
    by: str = typer.Option(..., "--by", help=_BY_HELP),
    reveal: bool = typer.Option(False, "--reveal", help="显示完整手机号（仅省级管理员、县级数据员）"),
) -> None:
    """导出乡镇三包花名册（包村、包户、包人，含缺位标记）为 XLSX。Export a town's 三包 roster as XLSX."""
    from notoneless.commands.contacts import roster_command
    from notoneless.config import get_settings

    roster_command(get_settings(), console, town, out, by, reveal)


# --- reviews and decisions: identity conflicts and officers' judgements (身份判定) ---------
reviews_app = typer.Typer(
    help="待核身份冲突：按重要性（三包对象、资助发放优先）排序的复核队列。The review queue of identity conflicts.",
    no_args_is_help=True,
)
app.add_typer(reviews_app, name="reviews")


@reviews_app.command("list")
def reviews_list_command(
    county: str = typer.Option(None, "--county", help="县级区划代码（6 位），只看该县"),
    decided: bool = typer.Option(False, "--decided", help="也列出已有有效判定的"),
    limit: int = typer.Option(50, "--limit", help="最多显示条数"),
) -> None:
    """列出最近一次运行的待核身份冲突（双胞胎防护拆开、接近阈值、一号多名、一人两号），最重要的在前。
    List the latest run's identity conflicts, most important first."""
    from notoneless.commands.decisions import reviews_list
    from notoneless.config import get_settings

    reviews_list(get_settings(), console, county, decided, limit)


@reviews_app.command("show")
def reviews_show_command(review_id: str = typer.Argument(..., help="冲突编号，如 R0123456789ab")) -> None:
    """查看一处冲突：两条记录对照、各比较项的权重解释、已有判定。
    Show one conflict: both records side by side, the match weights explained, the decisions on it."""
    from notoneless.commands.decisions import reviews_show
    from notoneless.config import get_settings

    reviews_show(get_settings(), console, review_id)


decisions_app = typer.Typer(
    help="身份判定：同一人、不同人或暂缓；不可修改，只能撤回；每次运行都照此聚类。"
    "Officers' identity decisions, honoured by every run.",
    no_args_is_help=True,
)
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("add")
def decisions_add_command(
    record_key_a: str = typer.Argument(..., help="第一条记录的键（最近一次运行），如 hukou:5"),
    record_key_b: str = typer.Argument(..., help="第二条记录的键，如 xueji:17"),
    verdict: str = typer.Option(..., "--verdict", help="same（同一人）、different（不同人）或 defer（暂缓，由模型判定）"),
    by: str = typer.Option(..., "--by", help="判定人姓名"),
    note: str = typer.Option(None, "--note", help="依据说明"),
) -> None:
    """记录一条身份判定（按两条记录的稳定指纹保存，换了行号、换了批次仍然有效）。
    Record a decision on two records (kept by their stable fingerprints)."""
    from notoneless.commands.decisions import decisions_add
    from notoneless.config import get_settings

    decisions_add(get_settings(), console, record_key_a, record_key_b, verdict, by, note)


@decisions_app.command("withdraw")
def decisions_withdraw_command(
    decision_id: str = typer.Argument(..., help="要撤回的判定编号，如 D20251020T080000-1a2b3c4d"),
    by: str = typer.Option(..., "--by", help="撤回人姓名"),
    note: str = typer.Option(None, "--note", help="撤回原因"),
) -> None:
    """撤回一条判定（记为一条新的撤回判定，原判定不变）。Withdraw a decision (by recording another)."""
    from notoneless.commands.decisions import decisions_withdraw
    from notoneless.config import get_settings

    decisions_withdraw(get_settings(), console, decision_id, by, note)


@decisions_app.command("list")
def decisions_list_command(limit: int = typer.Option(200, "--limit", help="最多显示条数")) -> None:
    """列出判定（最新在前）：现状（有效、暂缓、已撤回…）与最近一次运行的执行情况（含记录已不在数据中的）。
    List decisions with their standing and how the latest run honoured them."""
    from notoneless.commands.decisions import decisions_list
    from notoneless.config import get_settings

    decisions_list(get_settings(), console, limit)


@decisions_app.command("export")
def decisions_export_command(out: Path = typer.Argument(..., help="输出的 CSV 文件")) -> None:
    """导出有效判定为带标签的记录对（1 = 同一人，0 = 不同人），供 benchmarks/decision_labels.py 衡量模型。
    Export the effective decisions as labelled pairs (CSV)."""
    from notoneless.commands.decisions import decisions_export
    from notoneless.config import get_settings

    decisions_export(get_settings(), console, out)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except NotOneLessError as exc:
        err_console.print(f"[bold red]错误[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("已中断 (interrupted)")
        sys.exit(130)
