"""``notoneless run BUNDLE --out OUT``: the whole job (contract section 3).

ingest (bundle → DuckDB workspace) → link (Splink: persons) → load (workspace →
Neo4j) → checks (five graph queries) → OUT: entities.csv, rejects.csv,
findings/<kind>.csv, findings.xlsx, summary.json. The findings are also recorded in
the graph (``Finding`` nodes linked to the ``Run``) for the case ledger.

The DuckDB workspace is ``<workspace>/linkage.duckdb``, rebuilt on every run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from notoneless import export
from notoneless.bundle.manifest import load_manifest
from notoneless.checks.catalogue import CHECKS, LABELS, record_findings, run_checks
from notoneless.checks.findings import CheckContext, Finding
from notoneless.config import Settings, get_settings
from notoneless.contacts.effective import ServiceStatements
from notoneless.errors import BundleError, NotOneLessError
from notoneless.graph.load import load_graph

STAGE_LABELS = {
    "graph": "连接图数据库",
    "ingest": "读取数据包",
    "link": "人员比对（Splink）",
    "load": "写入图数据库",
    "checks": "比对检查",
    "cases": "更新案件台账",
    "outputs": "写出结果",
}


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
    unresolved_targets: int = 0
    contact_service: dict[str, Any] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    graph_nodes: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)  # officers' decisions and the review queue

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
            "unresolved_contact_targets": self.unresolved_targets,
            "contact_service": self.contact_service,
            "findings": self.findings,
            "cases": self.cases,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "graph_nodes": self.graph_nodes,
            "decisions": self.decisions,
        }


def new_run_id() -> str:
    """A sortable, unique run id, e.g. ``20251016T080000Z-1a2b3c``."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def workspace_path(settings: Settings) -> Path:
    return settings.workspace / "linkage.duckdb"


def _fresh_workspace(settings: Settings) -> duckdb.DuckDBPyConnection:
    path = workspace_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    return duckdb.connect(str(path))


def run_bundle(
    bundle_dir: Path,
    out_dir: Path,
    settings: Settings | None = None,
    *,
    console: Console | None = None,
    open_graph: Callable[[Settings], Any] | None = None,
) -> RunReport:
    """Run the whole job on ``bundle_dir`` and write the contract's outputs into ``out_dir``.

    Raises ``BundleError`` (missing file, unreadable manifest), ``GraphError`` (graph
    unreachable) or another ``NotOneLessError`` when it cannot run; rejected rows are
    not an error (they go to rejects.csv).
    """
    from notoneless.bundle.ingest import ingest_bundle
    from notoneless.cases.ledger import reconcile
    from notoneless.decisions import honour
    from notoneless.graph.store import open_graph as default_open_graph
    from notoneless.linkage.scoring import link

    settings = settings or get_settings()
    console = console or Console(stderr=True)
    bundle_dir, out_dir = Path(bundle_dir), Path(out_dir)
    if not bundle_dir.is_dir():
        raise BundleError(f"数据包目录不存在：{bundle_dir}；请检查路径")
    manifest = load_manifest(bundle_dir)  # fail fast on an unreadable manifest, before the graph starts
    run_id = new_run_id()
    report = RunReport(run_id, str(bundle_dir), str(out_dir), _manifest_dict(manifest))
    seconds = report.seconds

    with ExitStack() as stack:
        t = time.perf_counter()
        console.print(f"[bold]一个不能少[/] 比对 {report.manifest.get('name', '')}（运行编号 {run_id}）")
        with console.status(STAGE_LABELS["graph"] + "…"):
            store = stack.enter_context((open_graph or default_open_graph)(settings))
            store.init_schema()
            decisions = honour.read_decisions(store)  # officers' decisions bind this run's clustering
        seconds["graph"] = _done(console, "graph", t)

        t = time.perf_counter()
        con = _fresh_workspace(settings)
        stack.callback(con.close)
        with console.status(STAGE_LABELS["ingest"] + "…") as status:
            ingest = ingest_bundle(bundle_dir, con, on_progress=lambda stage, n: status.update(f"读取数据包：{stage}（{n:,}）"))
        report.files = {s: {"rows_in": c.rows_in, "accepted": c.accepted, "rejected": c.rejected} for s, c in ingest.counts.items()}
        report.rejects = ingest.rejects
        seconds["ingest"] = _done(console, "ingest", t)

        t = time.perf_counter()
        with console.status(STAGE_LABELS["link"] + "…") as status:
            decided = honour.map_to_records(con, decisions)
            linked = link(con, settings, run_id=run_id, on_progress=lambda msg: status.update(f"人员比对：{msg}"),
                          must_link=decided.must_link, cannot_link=decided.cannot_link)
        report.person_records = linked.records
        report.persons = linked.persons
        report.identity_conflicts = linked.conflicts
        seconds["link"] = _done(console, "link", t)

        t = time.perf_counter()
        ctx = CheckContext.from_workspace(con)
        store.query(
            "runs/start",
            run_id=run_id,
            name=report.manifest.get("name"),
            province_code=ctx.province_code,
            term=ctx.term,
            reference_date=ctx.reference_date.isoformat(),
            bundle=str(bundle_dir.resolve()),
            started_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        with Progress(
            TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        ) as progress:
            tasks: dict[str, Any] = {}

            def on_load(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = progress.add_task(label, total=max(total, 1))
                progress.update(tasks[label], completed=done if total else 1)

            # Officers' 三包 actions (assign, release, 离岗 …) are merged with the bundle's contacts.
            service = ServiceStatements.read(store, ctx.reference_date, settings.workspace / "history.duckdb")
            loaded = load_graph(con, store, run_id=run_id, on_progress=on_load, service=service)
        report.unresolved_targets = loaded.unresolved_targets
        report.contact_service = loaded.service.as_dict()
        seconds["load"] = _done(console, "load", t)
        console.print(f"  {loaded.service.describe()}")

        t = time.perf_counter()
        with console.status(STAGE_LABELS["checks"] + "…") as status:
            findings = run_checks(
                store, ctx, on_check=lambda kind, n, s: status.update(f"比对检查：{LABELS[kind]} {n:,} 条")
            )
        report.findings = {kind: len(rows) for kind, rows in findings.items()}
        record_findings(store, run_id, findings)
        honoured = honour.record_run(store, con, run_id, decided)  # decisions' status, the review queue
        report.decisions = honoured.as_dict()
        seconds["checks"] = _done(console, "checks", t)
        console.print(f"  {honoured.describe()}")

        # The ledger (台账) is updated, never replaced: new cases opened, open ones kept,
        # vanished ones parked for an officer's 销号, closed ones that reappear reopened.
        t = time.perf_counter()
        with console.status(STAGE_LABELS["cases"] + "…"):
            changes = reconcile(
                store,
                run_id,
                {kind: [f.row for f in rows] for kind, rows in findings.items()},
                history_path=settings.workspace / "history.duckdb",
            )
        report.cases = changes.counts()
        seconds["cases"] = _done(console, "cases", t)
        console.print(f"  {changes.describe()}")

        t = time.perf_counter()
        write_outputs(con, out_dir, findings)
        seconds["outputs"] = _done(console, "outputs", t)
        report.graph_nodes = store.node_counts()
        seconds["total"] = sum(v for k, v in seconds.items() if k != "total")
        export.write_summary(out_dir / "summary.json", report.as_dict())
        store.query(
            "runs/finish",
            run_id=run_id,
            records=report.person_records,
            persons=report.persons,
            rejects=report.rejects,
            findings=sum(report.findings.values()),
            summary_json=json.dumps(report.as_dict(), ensure_ascii=False),
            finished_at=dt.datetime.now(dt.UTC).isoformat(),
        )
    print_summary(console, report)
    return report


def write_outputs(con: duckdb.DuckDBPyConnection, out_dir: Path, findings: dict[str, list[Finding]]) -> None:
    """entities.csv, rejects.csv, findings/<kind>.csv and findings.xlsx."""
    out_dir.mkdir(parents=True, exist_ok=True)
    export.write_entities(con, out_dir / "entities.csv")
    export.write_rejects(con, out_dir / "rejects.csv")
    for check in CHECKS:
        export.write_findings_csv(out_dir, check.KIND, check.COLUMNS, findings.get(check.KIND, []))
    export.write_findings_xlsx(
        out_dir / "findings.xlsx",
        [(check.LABEL, check.COLUMNS, findings.get(check.KIND, [])) for check in CHECKS],
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


def _done(console: Console, stage: str, started: float) -> float:
    took = time.perf_counter() - started
    console.print(f"  [green]✓[/] {STAGE_LABELS[stage]}  {took:.1f} 秒")
    return took


def print_summary(console: Console, report: RunReport) -> None:
    """The final summary table, in Chinese."""
    table = Table(title=f"运行小结（{report.run_id}）", show_header=True, header_style="bold")
    table.add_column("项目")
    table.add_column("数量 / 秒", justify="right")
    table.add_row("人员记录（接收）", f"{report.person_records:,}")
    table.add_row("识别人员", f"{report.persons:,}")
    table.add_row("拒收行", f"{report.rejects:,}")
    table.add_row("待核身份冲突", f"{report.identity_conflicts:,}")
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


__all__ = ["RunReport", "run_bundle", "write_outputs", "NotOneLessError"]
