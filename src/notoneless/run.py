"""``notoneless run BUNDLE --out OUT``: the whole job (contract section 3).

ingest (bundle → DuckDB workspace) → link (Splink: persons) → load (workspace →
Neo4j) → checks (five graph queries) → OUT: entities.csv, rejects.csv,
findings/<kind>.csv, findings.xlsx, summary.json. The findings are also recorded in
the graph (``Finding`` nodes linked to the ``Run``) for the case ledger.

The run is the list ``STAGES`` (``STAGE_NAMES``: graph, ingest, link, load, checks,
cases, outputs), each a ``Stage`` taking the run's ``RunContext``.

The DuckDB workspace is ``Settings.paths.linkage``, rebuilt on every run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from notoneless import export, handoffs
from notoneless.bundle.manifest import load_manifest
from notoneless.checks.catalogue import CHECKS, LABELS, record_findings, run_checks
from notoneless.checks.findings import CheckContext, Finding
from notoneless.config import Settings
from notoneless.contacts.effective import ServiceStatements
from notoneless.errors import BundleError, NotOneLessError, OutputError, WorkspaceBusy
from notoneless.graph.load import load_graph
from notoneless.handoffs import HandOff
from notoneless.workspace_lock import workspace_lock

if TYPE_CHECKING:  # the stages import these where they use them, as run_bundle did
    from notoneless.decisions.honour import DecidedPairs
    from notoneless.decisions.judgement import Decision
    from notoneless.graph.store import GraphStore

@dataclass
class RunReport:
    """What one run did (also written as summary.json)."""

    run_id: str
    bundle: str
    out_dir: str
    manifest: dict[str, Any]
    files: dict[str, dict[str, int]] = field(default_factory=dict)
    person_records: int = 0
    persons: int = 0
    rejects: int = 0
    identity_conflicts: int = 0
    linkage_engine: str = "duckdb"  # where Splink ran: Settings.linkage_engine
    unresolved_targets: int = 0
    contact_service: dict[str, Any] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    graph_nodes: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)  # officers' decisions and the review queue
    bundle_warnings: list[dict[str, str]] = field(default_factory=list)  # unknown files, file-name case

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "bundle": self.bundle,
            "out_dir": self.out_dir,
            "manifest": self.manifest,
            "files": self.files,
            "person_records": self.person_records,
            "persons": self.persons,
            "rejects": self.rejects,
            "identity_conflicts": self.identity_conflicts,
            "linkage_engine": self.linkage_engine,
            "unresolved_contact_targets": self.unresolved_targets,
            "contact_service": self.contact_service,
            "findings": self.findings,
            "cases": self.cases,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "graph_nodes": self.graph_nodes,
            "decisions": self.decisions,
            "bundle_warnings": self.bundle_warnings,
        }


def new_run_id() -> str:
    """A sortable, unique run id, e.g. ``20251016T080000Z-1a2b3c``."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def workspace_path(settings: Settings) -> Path:
    return settings.paths.linkage


def _fresh_workspace(settings: Settings) -> duckdb.DuckDBPyConnection:
    path = workspace_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    return duckdb.connect(str(path))


@dataclass
class RunContext:
    """What the stages of one run share: the inputs, and what each stage hands the next.

    A stage reads the fields earlier stages set and sets its own (``status`` is the
    live status line of the stage running, ``None`` for a stage without one).
    """

    settings: Settings
    console: Console
    bundle_dir: Path
    out_dir: Path
    run_id: str
    report: RunReport
    stack: ExitStack
    open_graph: Callable[[Settings], Any]
    status: Any = None
    staging_out: Path | None = None  # the outputs are written here, then moved into out_dir (_publish)
    store: GraphStore | None = None  # graph
    con: duckdb.DuckDBPyConnection | None = None  # ingest: the DuckDB workspace
    decisions: list[Decision] = field(default_factory=list)  # graph: the officers' decisions
    decided: DecidedPairs | None = None  # link: the decisions mapped to this bundle's records
    checks: CheckContext | None = None  # load: province, term, reference date
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # checks
    new_ledger: bool = False  # start a new ledger although the workspace's history names runs the graph lacks
    killed_run: str | None = None  # the run the workspace lock says was killed (check_ledger)
    on_progress: Callable[[dict[str, Any]], None] | None = None  # run_bundle's on_progress (``tell``)

    def tell(self, event: str, **fields: Any) -> None:
        """Report progress to ``on_progress``: ``start`` (run_id), ``stage`` (stage, label,
        state running/done, seconds, note) and ``status`` (stage, message: the stage's live line)."""
        if self.on_progress is not None:
            self.on_progress({"event": event, "run_id": self.run_id, **fields})


class _Relay:
    """A stage's status line that also reports each update to ``RunContext.tell``."""

    def __init__(self, status: Any, rc: RunContext, stage: str) -> None:
        self.status, self.rc, self.stage = status, rc, stage

    def update(self, text: str, **kwargs: Any) -> None:
        if self.status is not None:
            self.status.update(text, **kwargs)
        self.rc.tell("status", stage=self.stage, message=text)


@dataclass(frozen=True)
class Stage:
    """One step of the run: ``run`` does it and returns a line to print under its ✓ line (or None).

    ``spinner``: the stage runs under a status line with its label (``RunContext.status``);
    a stage with its own progress display (load) or none (outputs) sets it False.
    ``writes`` / ``reads``: the workspace tables it hands on / takes from earlier stages
    (``handoffs``; checked by tests/test_handoffs.py).
    """

    name: str
    label: str
    run: Callable[[RunContext], str | None]
    spinner: bool = True
    writes: tuple[HandOff, ...] = ()
    reads: tuple[HandOff, ...] = ()


def _graph_stage(rc: RunContext) -> str | None:
    from notoneless.decisions import honour

    rc.store = rc.stack.enter_context(rc.open_graph(rc.settings))
    rc.store.init_schema()
    # before anything is written
    lost = check_ledger(rc.store, rc.settings, new_ledger=rc.new_ledger, killed_run=rc.killed_run)
    # debris of runs killed or failed before their end: marked 中断 (this run holds the lock)
    interrupted = rc.store.query("runs/interrupt", run_id=rc.run_id, at=dt.datetime.now(dt.UTC).isoformat())
    rc.decisions = honour.read_decisions(rc.store)  # officers' decisions bind this run's clustering
    notes = [lost] if lost else []
    if interrupted:
        ids = "、".join(r["run_id"] for r in interrupted)
        notes.append(f"注意：上次的比对 {ids} 未完成（被中断或出错），已标记为 中断；其结果未生效，本次运行将重新比对")
    return "\n  ".join(notes) or None


def check_ledger(
    store: GraphStore, settings: Settings, *, new_ledger: bool = False, killed_run: str | None = None
) -> str | None:
    """Refuse (``LedgerMissing``) a workspace whose person-id history recorded runs none of
    which the graph knows: the graph lost its ledger (a new data directory, another
    server, a workspace reached from another directory) or holds another workspace's.
    A run then would open every case anew under new ids. ``new_ledger``: go on, and
    return the line that says so. ``killed_run``: the run the workspace lock says was
    killed; linkage recorded it before its Run node was written, so a first run killed
    there is debris (marked 中断 and redone), not a sign of a lost ledger."""
    from notoneless.errors import LedgerMissing
    from notoneless.linkage.id_history import recorded_runs

    recorded = [r for r in recorded_runs(settings.paths.history) if r != killed_run]
    known = {r["run_id"] for r in store.query("runs/ids")}
    if not recorded:
        return None if not known else _history_missing(store, settings, known, new_ledger=new_ledger)
    if known & set(recorded):
        return None
    root = settings.paths.root.resolve()
    if new_ledger:
        return (f"注意：按 --new-ledger 从新台账开始（工作区 {root} 的人员编号历史有 {len(recorded)} 次比对，"
                f"图数据库 {store.uri} 中没有它们的台账）")
    what = ("没有台账（没有比对记录与案件）" if not known else
            f"的台账属于另一个工作区或数据库（其 {len(known)} 次比对都不在本工作区的历史中）")
    raise LedgerMissing(
        f"台账数据缺失：工作区 {root} 的人员编号历史记录了 {len(recorded)} 次比对（最近 {recorded[-1]}），"
        f"但图数据库 {store.uri} 中{what}；请先恢复备份（notoneless restore 备份文件.zip），"
        "或确要从新台账开始时加 --new-ledger 重新运行")


def _history_missing(store: GraphStore, settings: Settings, known: set[str], *, new_ledger: bool) -> str:
    """The other half of ``check_ledger``: the graph holds a ledger but the workspace has no
    person-id history (history.duckdb lost, or a new workspace pointed at a graph in use).
    Linkage would give every child a new person id, and every case would look resolved and
    be opened again under a new one. ``new_ledger``: go on, and return the line that says so."""
    from notoneless.errors import LedgerMissing

    root, history = settings.paths.root.resolve(), settings.paths.history.resolve()
    if new_ledger:
        return (f"注意：按 --new-ledger 继续（工作区 {root} 没有人员编号历史，图数据库 {store.uri} 中已有 "
                f"{len(known)} 次比对的台账：人员编号将重新生成）")
    raise LedgerMissing(
        f"人员编号历史缺失：图数据库 {store.uri} 中已有 {len(known)} 次比对的台账（最近 {max(known)}），"
        f"但工作区 {root} 没有人员编号历史（{history}）；直接比对会给每个儿童新的人员编号、案件全部重新立案。"
        f"请把原工作区的 history.duckdb 放回 {history}，或从备份恢复它（notoneless restore 备份文件.zip --history-only），"
        "或在原工作区运行（NOTONELESS_WORKSPACE=原工作区）；确要从新编号开始时加 --new-ledger 重新运行")


def _ingest_stage(rc: RunContext) -> str | None:
    from notoneless.bundle.ingest import ingest_bundle

    rc.con = _fresh_workspace(rc.settings)
    rc.stack.callback(rc.con.close)
    status = rc.status
    ingest = ingest_bundle(
        rc.bundle_dir, rc.con, workspace_aliases=rc.settings.paths.aliases,
        on_progress=lambda stage, n: status.update(f"读取数据包：{stage}（{n:,}）"),
    )
    rc.report.files = {s: {"rows_in": c.rows_in, "accepted": c.accepted, "rejected": c.rejected} for s, c in ingest.counts.items()}
    rc.report.rejects = ingest.rejects
    rc.report.bundle_warnings = ingest.warnings
    return "\n  ".join(f"注意：{w['message']}" for w in ingest.warnings) or None


def _link_stage(rc: RunContext) -> None:
    from notoneless.decisions import honour
    from notoneless.linkage.scoring import link

    status = rc.status
    rc.decided = honour.map_to_records(rc.con, rc.decisions)
    linked = link(rc.con, rc.settings, run_id=rc.run_id, on_progress=lambda msg: status.update(f"人员比对：{msg}"),
                  must_link=rc.decided.must_link, cannot_link=rc.decided.cannot_link)
    rc.report.person_records = linked.records
    rc.report.persons = linked.persons
    rc.report.identity_conflicts = linked.conflicts
    rc.report.linkage_engine = linked.engine


def _load_stage(rc: RunContext) -> str:
    report, store = rc.report, rc.store
    rc.checks = ctx = CheckContext.from_workspace(rc.con)
    store.query(
        "runs/start",
        run_id=rc.run_id,
        name=report.manifest.get("name"),
        province_code=ctx.province_code,
        term=ctx.term,
        reference_date=ctx.reference_date.isoformat(),
        bundle=str(rc.bundle_dir.resolve()),
        started_at=dt.datetime.now(dt.UTC).isoformat(),
    )
    with Progress(
        TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=rc.console, transient=True,
    ) as progress:
        tasks: dict[str, Any] = {}

        def on_load(label: str, done: int, total: int) -> None:
            rc.tell("status", stage="load", message=f"{label}（{done:,}/{total:,}）")
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=max(total, 1))
            progress.update(tasks[label], completed=done if total else 1)

        # Officers' 三包 actions (assign, release, 离岗 …) are merged with the bundle's contacts.
        service = ServiceStatements.read(store, ctx.reference_date, rc.settings.paths.history)
        loaded = load_graph(rc.con, store, run_id=rc.run_id, on_progress=on_load, service=service,
                            state=rc.settings.paths.graph_load, writers=rc.settings.graph_load_writers,
                            settings=rc.settings)
    report.unresolved_targets = loaded.unresolved_targets
    report.contact_service = loaded.service.as_dict()
    return loaded.describe() + "\n  " + loaded.service.describe()


def _checks_stage(rc: RunContext) -> str:
    from notoneless.decisions import honour

    status = rc.status
    rc.findings = findings = run_checks(
        rc.store, rc.checks, on_check=lambda kind, n, s: status.update(f"比对检查：{LABELS[kind]} {n:,} 条")
    )
    rc.report.findings = {kind: len(rows) for kind, rows in findings.items()}
    record_findings(rc.store, rc.run_id, findings)
    honoured = honour.record_run(rc.store, rc.con, rc.run_id, rc.decided)  # decisions' status, the review queue
    rc.report.decisions = honoured.as_dict()
    return honoured.describe()


def _cases_stage(rc: RunContext) -> str:
    # The ledger (台账) is updated, never replaced: new cases opened, open ones kept,
    # vanished ones parked for an officer's 销号, closed ones that reappear reopened.
    from notoneless.bundle.coverage import covered_counties
    from notoneless.cases.ledger import reconcile

    changes = reconcile(
        rc.store,
        rc.run_id,
        {kind: [f.row for f in rows] for kind, rows in rc.findings.items()},
        history_path=rc.settings.paths.history,
        coverage=covered_counties(rc.con),  # other counties' cases are left alone
    )
    rc.report.cases = changes.counts()
    from notoneless.decisions.consequence import assess, queue_line

    # what deciding each review item would change, with the cases as they now stand: only
    # those that change something are queued for an officer
    assessed = assess(rc.store, rc.run_id)
    rc.report.decisions["reviews_queued"] = assessed.queued
    rc.report.decisions["reviews_ids_agree"] = assessed.ids_agree
    return changes.describe() + "\n  " + queue_line(assessed, rc.report.decisions.get("reviews_open", 0))


def _outputs_stage(rc: RunContext) -> None:
    write_outputs(rc.con, rc.staging_out or rc.out_dir, rc.findings, rc.store)


# The run, in order. A stage's name is its key in summary.json's "seconds".
STAGES: tuple[Stage, ...] = (
    Stage("graph", "连接图数据库", _graph_stage),
    Stage("ingest", "读取数据包", _ingest_stage, writes=handoffs.written_by("ingest")),
    Stage("link", "人员比对（Splink）", _link_stage, writes=handoffs.written_by("link"),
          reads=(handoffs.PERSON_RECORDS,)),
    Stage("load", "写入图数据库", _load_stage, spinner=False, writes=handoffs.written_by("load"),
          reads=(handoffs.MANIFEST, handoffs.DIVISIONS, handoffs.SCHOOLS, handoffs.PERSON_RECORDS, handoffs.HUKOU,
                 handoffs.XUEJI, handoffs.FUPIN, handoffs.CANLIAN, handoffs.MINZHENG, handoffs.ZIZHU,
                 handoffs.CONTACTS, handoffs.VISITS, handoffs.ENTITIES,
                 # its own TEMP tables, read after graph.targets / graph.load wrote them:
                 handoffs.G_HOUSEHOLD_KEYS, handoffs.G_VILLAGES, handoffs.G_CONTACTS)),
    Stage("checks", "比对检查", _checks_stage,
          reads=(handoffs.ENTITIES, handoffs.PERSON_RECORDS, handoffs.IDENTITY_CONFLICTS)),
    Stage("cases", "更新案件台账", _cases_stage, reads=(handoffs.DIVISIONS,)),
    Stage("outputs", "写出结果", _outputs_stage, spinner=False, reads=(handoffs.ENTITIES, handoffs.REJECTS)),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
# Fault tests: a run with this variable set to a stage's name kills itself (SIGKILL) as
# that stage begins, as an officer's kill -9 or a power cut would.
STOP_AT_ENV = "NOTONELESS_TEST_KILL_AT_STAGE"
STAGE_LABELS: dict[str, str] = {s.name: s.label for s in STAGES}


def run_stage(stage: Stage, rc: RunContext) -> float:
    """Run one stage: its status line, its time (``report.seconds[stage.name]``), its ✓ line and its note."""
    if os.environ.get(STOP_AT_ENV) == stage.name:  # fault tests: die here as kill -9 would
        os.kill(os.getpid(), signal.SIGKILL)
    started = time.perf_counter()
    rc.tell("stage", stage=stage.name, label=stage.label, state="running")
    with (rc.console.status(stage.label + "…") if stage.spinner else nullcontext()) as status:
        rc.status = _Relay(status, rc, stage.name) if rc.on_progress is not None and status is not None else status
        try:
            note = stage.run(rc)
        finally:
            rc.status = None
    took = rc.report.seconds[stage.name] = _done(rc.console, stage.label, started)
    if note:
        rc.console.print(f"  {note}")
    rc.tell("stage", stage=stage.name, label=stage.label, state="done", seconds=round(took, 1), note=note)
    return took


def _finish(rc: RunContext) -> None:
    """After the stages: graph counts, the total time, summary.json and the Run node's summary."""
    report, seconds = rc.report, rc.report.seconds
    report.graph_nodes = rc.store.node_counts()
    seconds["total"] = sum(v for k, v in seconds.items() if k != "total")
    export.write_summary((rc.staging_out or rc.out_dir) / "summary.json", report.as_dict())
    if rc.staging_out is not None:
        _publish(rc.staging_out, rc.out_dir)
    rc.store.query(
        "runs/finish",
        run_id=rc.run_id,
        records=report.person_records,
        persons=report.persons,
        rejects=report.rejects,
        findings=sum(report.findings.values()),
        summary_json=json.dumps(report.as_dict(), ensure_ascii=False),
        finished_at=dt.datetime.now(dt.UTC).isoformat(),
    )


def run_bundle(
    bundle_dir: Path,
    out_dir: Path,
    settings: Settings,
    *,
    console: Console | None = None,
    open_graph: Callable[[Settings], Any] | None = None,
    new_ledger: bool = False,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
) -> RunReport:
    """Run the whole job on ``bundle_dir`` and write the contract's outputs into ``out_dir``.

    The job is the list ``STAGES``, run in order by ``run_stage`` (one timing and
    progress line per stage). Raises ``BundleError`` (missing file, unreadable
    manifest), ``GraphError`` (graph unreachable) or another ``NotOneLessError`` when it
    cannot run; rejected rows are not an error (they go to rejects.csv). A workspace whose
    history names runs the graph has no ledger of is refused (``LedgerMissing``,
    ``check_ledger``) unless ``new_ledger``. ``on_progress`` is told the run's progress
    (``RunContext.tell``: its id once it holds the workspace, each stage's start and end,
    the stages' live lines), for the officer pages' live view of an uploaded bundle's run.
    """
    from notoneless.graph.store import open_graph as default_open_graph

    console = console or Console(stderr=True)
    bundle_dir, out_dir = Path(bundle_dir), Path(out_dir)
    if not bundle_dir.is_dir():
        raise BundleError(f"数据包目录不存在：{bundle_dir}；请检查路径")
    manifest = load_manifest(bundle_dir)  # fail fast on an unreadable manifest, before the graph starts
    run_id = new_run_id()
    report = RunReport(run_id, str(bundle_dir), str(out_dir), _manifest_dict(manifest))

    made_out = not out_dir.exists()
    check_out_dir(out_dir, bundle_dir)  # before any work (and before the workspace is made): a bad --out fails now
    # one run at a time per workspace: a second run is refused, naming the one running
    held = ExitStack()
    try:
        left = held.enter_context(workspace_lock(settings.paths.root, "run", run_id=run_id))
    except WorkspaceBusy:
        if made_out:  # a refused run leaves nothing behind: not even the --out it checked
            with suppress(OSError):
                out_dir.rmdir()
        raise
    with held, ExitStack() as stack:
        debris = remove_debris(out_dir)  # under the lock: no other run of this workspace is writing there
        staging_out = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{run_id}-", dir=out_dir))
        stack.callback(shutil.rmtree, staging_out, ignore_errors=True)
        rc = RunContext(
            settings=settings, console=console, bundle_dir=bundle_dir, out_dir=out_dir, run_id=run_id,
            report=report, stack=stack, open_graph=open_graph or default_open_graph, staging_out=staging_out,
            new_ledger=new_ledger,
            killed_run=str(left["run_id"]) if left.get("what") == "run" and left.get("run_id") else None,
            on_progress=on_progress,
        )
        rc.tell("start")
        console.print(f"[bold]一个不能少[/] 比对 {report.manifest.get('name', '')}（运行编号 {run_id}）")
        if debris:
            console.print(f"  注意：已清理结果目录中上次未完成运行留下的临时文件（{'、'.join(debris)}）")
        for stage in STAGES:
            run_stage(stage, rc)
        _finish(rc)
    print_summary(console, report)
    return report


# The outputs of a run are written into OUT/<prefix><run_id>-xxxx/ and moved into OUT
# only when all of them are complete: a run that fails or is killed leaves the previous
# run's outputs as they were (and its staging directory, removed by the next run).
_STAGING_PREFIX = ".notoneless-tmp-"
# Room the outputs need, estimated from the bundle's size (entities, rejects, findings and
# the workbook are smaller than the bundle), with a floor for small bundles.
_MIN_FREE_BYTES = 16 * 1024 * 1024


def check_out_dir(out_dir: Path, bundle_dir: Path) -> None:
    """Make sure ``out_dir`` can take the outputs, before any work starts: it is a
    directory (created if missing), writable, with room for the outputs. OutputError
    (one line, what to do) otherwise."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"结果目录 {out_dir} 是一个文件，不是目录；请用 --out 指定一个目录，或把该文件改名后重试")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out_dir, prefix=_STAGING_PREFIX, delete=True)  # noqa: SIM115
        probe.close()
    except (PermissionError, FileExistsError, NotADirectoryError) as exc:
        raise OutputError(f"结果目录 {out_dir} 无法写入（{type(exc).__name__}）；请换一个有写权限的目录，或修改该目录的权限后重试") from exc
    except OSError as exc:
        raise OutputError(f"结果目录 {out_dir} 无法写入（{exc.strerror}）；请换一个目录后重试") from exc
    need = max(_MIN_FREE_BYTES, sum(p.stat().st_size for p in bundle_dir.iterdir() if p.is_file()))
    free = shutil.disk_usage(out_dir).free
    if free < need:
        raise OutputError(
            f"结果目录 {out_dir} 所在磁盘空间不足（剩余 {free / 2**20:.0f} MB，结果约需 {need / 2**20:.0f} MB）；请清理磁盘或换一个目录后重试"
        )


def remove_debris(out_dir: Path) -> list[str]:
    """Remove the staging directories that killed runs left in ``out_dir``; their names."""
    debris = sorted(p.name for p in out_dir.glob(f"{_STAGING_PREFIX}*") if p.is_dir())
    for name in debris:
        shutil.rmtree(out_dir / name, ignore_errors=True)
    return debris


def _publish(staging: Path, out_dir: Path) -> None:
    """Move every complete output file from ``staging`` into ``out_dir`` (each replace is
    atomic: no output is ever seen half-written), then remove ``staging``."""
    for src in sorted(p for p in staging.rglob("*") if p.is_file()):
        dest = out_dir / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
    shutil.rmtree(staging, ignore_errors=True)


def write_outputs(con: duckdb.DuckDBPyConnection, out_dir: Path, findings: dict[str, list[Finding]],
                  store: GraphStore | None = None) -> None:
    """entities.csv, rejects.csv, findings/<kind>.csv and findings.xlsx (with the children and
    division names that ``store``'s graph holds beside the codes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    export.write_entities(con, out_dir / "entities.csv")
    export.write_rejects(con, out_dir / "rejects.csv")
    for check in CHECKS:
        export.write_findings_csv(out_dir, check.KIND, check.COLUMNS, findings.get(check.KIND, []))
    export.write_findings_xlsx(
        out_dir / "findings.xlsx",
        [(check.LABEL, check.COLUMNS, findings.get(check.KIND, [])) for check in CHECKS],
        export.Readable.read(store, (f for rows in findings.values() for f in rows)) if store else None,
    )


def _manifest_dict(manifest: Any) -> dict[str, Any]:
    if hasattr(manifest, "model_dump"):
        data = manifest.model_dump(mode="json")
    elif hasattr(manifest, "__dataclass_fields__"):
        from dataclasses import asdict

        data = asdict(manifest)
    else:
        data = dict(vars(manifest))
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def _done(console: Console, label: str, started: float) -> float:
    took = time.perf_counter() - started
    console.print(f"  [green]✓[/] {label}  {took:.1f} 秒")
    return took


ENGINE_LABELS = {"duckdb": "DuckDB（本机）", "spark": "Spark"}


def print_summary(console: Console, report: RunReport) -> None:
    """The final summary table, in Chinese."""
    table = Table(title=f"运行小结（{report.run_id}）", show_header=True, header_style="bold")
    table.add_column("项目")
    table.add_column("数量 / 秒", justify="right")
    table.add_row("人员记录（接收）", f"{report.person_records:,}")
    table.add_row("识别人员", f"{report.persons:,}")
    table.add_row("拒收行", f"{report.rejects:,}")
    table.add_row("身份冲突", f"{report.identity_conflicts:,}")
    if "reviews_queued" in report.decisions:
        table.add_row("  其中需人工核实（待核，决定后有改变）", f"{report.decisions['reviews_queued']:,}")
    table.add_row("比对引擎", ENGINE_LABELS.get(report.linkage_engine, report.linkage_engine))
    if report.decisions.get("vanished"):
        table.add_row("人工判定：记录已不在数据中", f"{report.decisions['vanished']:,}")
    table.add_row("未能对应的包保对象", f"{report.unresolved_targets:,}")
    for check in CHECKS:
        table.add_row(f"{check.LABEL}（{check.KIND}）", f"{report.findings.get(check.KIND, 0):,}")
    case_labels = {"new": "新立案", "still_open": "仍在办", "resolved_by_data": "数据已消除·待确认销号", "reopened": "重新打开"}
    for key, label in case_labels.items():
        if key in report.cases:
            table.add_row(f"案件：{label}", f"{report.cases[key]:,}")
    for stage, label in STAGE_LABELS.items():
        if stage in report.seconds:
            table.add_row(f"用时：{label}", f"{report.seconds[stage]:.1f}")
    table.add_row("用时：合计", f"{report.seconds.get('total', 0.0):.1f}")
    console.print(table)
    console.print(f"结果已写入 {report.out_dir}（findings/*.csv、findings.xlsx、entities.csv、rejects.csv、summary.json）")


__all__ = ["STAGES", "STAGE_NAMES", "NotOneLessError", "RunContext", "RunReport", "Stage", "run_bundle", "run_stage", "write_outputs"]
