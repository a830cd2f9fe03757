"""Backup and restore of what officers create (``notoneless backup`` / ``restore``).

The graph holds two kinds of data. What a run builds from the bundle (``Person``,
``SourceRecord``/``Payment``, ``Household``, ``Division``, ``School``, ``Contact``,
``Visit``, ``IdentityConflict`` — the review queue, rebuilt every run) is rebuilt by the
next run and is *not* backed up; nor is the load marker (``GraphLoad``, ``graph/load.py``),
so the first run after a restore loads the graph in full rather than trust the
workspace's fingerprints of a graph that is gone. What exists nowhere else is (``KEPT``):

- the ledger (台账): ``Case``, ``CaseEvent`` (``HAS_EVENT``), ``CaseChange`` (the change
  feed);
- the run history the ledger points at: ``Run`` (``Case -OPENED_IN->``), ``Finding``
  (``-SEEN_IN->``; the findings of every run, kept ``active = false`` once gone);
- identity decisions: ``IdentityDecision`` (``-HONOURED_IN->`` each run);
- 三包 events: ``ContactAssignment``, ``ContactStatusChange``, ``ContactRegistration``;
- users and their history: ``User`` (the SHA-256 of the token only: the plain token is
  never stored anywhere), ``UserChange``; audit events: ``AuditEvent``;
- and, from the workspace, the person-id history (``history.duckdb``: ``runs``,
  ``person_ids``, ``person_id_history``, ``person_id_merges``, ``person_id_splits``),
  without which the next run would mint new person ids and lose every case's child.

Relationships from these nodes to the rebuilt ones (``Case -ABOUT-> Person``,
``-RESPONSIBLE_COUNTY-> Division``, ``ContactAssignment -CONCERNS->`` its target,
``Finding -ABOUT-> Person`` / ``-LOCATED_IN-> Division``) are made again by the next run
(``cases.ledger.link_cases``, the load's ``contacts/link_events``, ``findings/record``);
only those between kept nodes are backed up (``LINKS``).

The archive is one ZIP file: ``manifest.json`` (format and version, when and from where,
per kind the member, the count and the SHA-256 of the member) and one JSON Lines member
per kind (``graph/nodes/<Label>.jsonl``, ``graph/relationships/<TYPE>.jsonl``,
``history/<table>.jsonl``). Graph values keep their Neo4j types: a date, datetime,
time or duration is written as ``{"$type": …, "value": ISO text}``.

``backup`` reads through the Bolt driver (any Neo4j, local or remote, while it is up)
and holds the workspace's run lock, so no run is half-way through. ``restore`` checks the
archive first (format, every checksum and count), refuses a graph that already holds a
ledger and a workspace whose person-id history differs from the archive's, then writes
the history (when the workspace has none) and the nodes and relationships.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from neo4j.time import Date, DateTime, Duration, Time

from notoneless.errors import BackupError
from notoneless.graph.store import GraphStore
from notoneless.linkage.id_history import (
    HISTORY,
    HISTORY_SCHEMA,
    HISTORY_TABLES,
    recorded_runs,
)

FORMAT = "notoneless-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_BATCH = 5_000


@dataclass(frozen=True)
class Kept:
    """A label whose nodes are backed up, with its key (the constraint's property) and why."""

    label: str
    key: str
    why: str


@dataclass(frozen=True)
class Link:
    """A relationship type between two kept labels, with the restore query that re-creates it."""

    type: str
    start: Kept
    end: Kept
    restore_query: str


_RUN = Kept("Run", "run_id", "运行记录：案件的立案运行、判定的执行、线索的出现都指向它")
_CASE = Kept("Case", "case_id", "案件台账")
_DECISION = Kept("IdentityDecision", "decision_id", "身份判定")
_FINDING = Kept("Finding", "key", "历次比对的问题线索（已消除的保留 active = false）")
_EVENT = Kept("CaseEvent", "event_id", "案件办理记录")

KEPT: tuple[Kept, ...] = (
    _RUN,
    _CASE,
    _EVENT,
    Kept("CaseChange", "change_id", "案件变化记录（每次比对对各案件做了什么）"),
    _FINDING,
    _DECISION,
    Kept("ContactAssignment", "assignment_id", "三包分配与解除"),
    Kept("ContactStatusChange", "change_id", "联系人在岗/离岗变更"),
    Kept("ContactRegistration", "registration_id", "新登记的联系人"),
    Kept("User", "name", "用户（只含令牌的 SHA-256）"),
    Kept("UserChange", "change_id", "用户变更记录"),
    Kept("AuditEvent", "event_id", "审计记录"),
)

LINKS: tuple[Link, ...] = (
    Link("HAS_EVENT", _CASE, _EVENT, "backup/has_event"),
    Link("OPENED_IN", _CASE, _RUN, "backup/opened_in"),
    Link("HONOURED_IN", _DECISION, _RUN, "backup/honoured_in"),
    Link("SEEN_IN", _FINDING, _RUN, "backup/seen_in"),
)

# Built by every run from the bundle (and the review queue, replaced every run): not backed up.
REBUILT_LABELS = ("Person", "SourceRecord", "Payment", "Household", "Division", "School", "Contact", "Visit",
                  "IdentityConflict")
# A graph holding any of these holds a ledger: restore refuses to write over it.
LEDGER_LABELS = tuple(k.label for k in KEPT)


@dataclass
class BackupReport:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)  # kind → count ("node:Case", "rel:HAS_EVENT", "history:runs")
    bytes: int = 0


@dataclass
class RestoreReport:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    history: str = ""  # what was done with the workspace's person-id history


# --- typed values ------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A graph property value as JSON: lists element-wise, temporal values tagged."""
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, DateTime):
        zone = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
        return {"$type": "datetime", "value": value.iso_format(), **({"zone": zone} if zone else {})}
    if isinstance(value, Date):
        return {"$type": "date", "value": value.iso_format()}
    if isinstance(value, Time):
        return {"$type": "time", "value": value.iso_format()}
    if isinstance(value, Duration):
        return {"$type": "duration", "value": [value.months, value.days, value.seconds, value.nanoseconds]}
    if isinstance(value, bytes | bytearray):
        return {"$type": "bytes", "value": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dt.datetime | dt.date | dt.time):  # the driver gives neo4j.time; be safe
        return encode(DateTime.from_native(value) if isinstance(value, dt.datetime)
                      else Date.from_native(value) if isinstance(value, dt.date) else Time.from_native(value))
    return value


def decode(value: Any) -> Any:
    """The inverse of ``encode``: the values the driver sends back as the same Neo4j types."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        kind, text = value.get("$type"), value.get("value")
        if kind == "datetime":
            parsed = DateTime.from_iso_format(text)
            if value.get("zone"):
                from zoneinfo import ZoneInfo

                parsed = parsed.astimezone(ZoneInfo(value["zone"]))
            return parsed
        if kind == "date":
            return Date.from_iso_format(text)
        if kind == "time":
            return Time.from_iso_format(text)
        if kind == "duration":
            months, days, seconds, nanoseconds = text
            return Duration(months=months, days=days, seconds=seconds, nanoseconds=nanoseconds)
        if kind == "bytes":
            return base64.b64decode(text)
        raise BackupError(f"备份文件中有无法识别的数据类型 {kind!r}：请用生成它的版本恢复，或换一个备份文件")
    return value


def _props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: encode(v) for k, v in sorted(props.items())}


def _line(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


# --- backup ------------------------------------------------------------------------


def node_lines(store: GraphStore, kept: Kept) -> Iterator[bytes]:
    for row in store.stream("backup/nodes", label=kept.label, key=kept.key):
        yield _line({"labels": sorted(row["labels"]), "props": _props(row["props"])})


def link_lines(store: GraphStore, link: Link) -> Iterator[bytes]:
    for row in store.stream("backup/relationships", type=link.type, from_label=link.start.label,
                            from_key=link.start.key, to_label=link.end.label, to_key=link.end.key):
        yield _line({"start": row["start"], "end": row["end"], "props": _props(row["props"])})


def history_lines(history_path: Path, table: str) -> Iterator[bytes]:
    """The rows of one table of the person-id history, in their stored order (none without a history)."""
    if not Path(history_path).exists():
        return
    con = duckdb.connect(str(history_path), read_only=True)
    try:
        if table not in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}:
            return
        with tempfile.TemporaryDirectory() as tmp:  # DuckDB writes JSON Lines itself, types as ISO text
            path = Path(tmp) / f"{table}.jsonl"
            con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(path)}' (FORMAT JSON)")
            with open(path, "rb") as fh:
                for line in fh:
                    yield _line(json.loads(line))
    finally:
        con.close()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def archive_members(store: GraphStore, history_path: Path) -> Iterator[tuple[str, str, Iterator[bytes]]]:
    """(kind, member name, its lines) for every kind of the archive, in the manifest's order."""
    for kept in KEPT:
        yield f"node:{kept.label}", f"graph/nodes/{kept.label}.jsonl", node_lines(store, kept)
    for link in LINKS:
        yield f"rel:{link.type}", f"graph/relationships/{link.type}.jsonl", link_lines(store, link)
    for table in HISTORY_TABLES:
        yield f"history:{table}", f"history/{table}.jsonl", history_lines(history_path, table)


def backup_name(now: dt.datetime | None = None) -> str:
    return f"notoneless-backup-{(now or dt.datetime.now(dt.UTC)).strftime('%Y%m%dT%H%M%SZ')}.zip"


def backup(store: GraphStore, history_path: Path, out: Path, *, source: Mapping[str, Any]) -> BackupReport:
    """Write the archive to ``out`` (a ``.zip`` file; else a directory, made if missing,
    and a dated file name inside it).

    Written to a temporary file beside it and renamed when complete: a failed backup
    never leaves a half archive under the final name. ``source``: where from (graph URI,
    workspace), recorded in the manifest."""
    out = Path(out)
    if out.is_dir() or out.suffix.lower() != ".zip":  # a directory (made if missing): a dated name in it
        if out.exists() and not out.is_dir():
            raise BackupError(f"{out} 是一个文件，不是 .zip 备份文件或目录；请给出 .zip 文件名或一个目录后重试")
        out = out / backup_name()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".notoneless-backup-", suffix=".zip.tmp", dir=out.parent)
    except OSError as exc:
        raise BackupError(f"无法在 {out.parent} 写入备份（{exc.strerror or exc}）：请换一个有写权限的目录后重试") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    report = BackupReport(out)
    kinds: dict[str, dict[str, Any]] = {}
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for kind, member, lines in archive_members(store, history_path):
                digest, count = hashlib.sha256(), 0
                with zf.open(member, "w", force_zip64=True) as fh:
                    for line in lines:
                        fh.write(line)
                        digest.update(line)
                        count += 1
                kinds[kind] = {"file": member, "count": count, "sha256": digest.hexdigest()}
                report.counts[kind] = count
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "source": dict(source),
                "kinds": kinds,
                "rebuilt_by_the_next_run": list(REBUILT_LABELS),
            }
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"写入备份 {out} 失败（{exc.strerror or exc}）：请检查磁盘空间与权限后重试") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    report.bytes = out.stat().st_size
    return report


# --- restore -----------------------------------------------------------------------


@dataclass
class Archive:
    """A checked archive: its manifest and the open ZIP file (members verified)."""

    path: Path
    manifest: dict[str, Any]
    zf: zipfile.ZipFile

    def lines(self, kind: str) -> Iterator[Any]:
        with self.zf.open(self.manifest["kinds"][kind]["file"]) as fh:
            for line in io.TextIOWrapper(fh, encoding="utf-8"):
                yield json.loads(line)

    def count(self, kind: str) -> int:
        return int(self.manifest["kinds"].get(kind, {}).get("count", 0))

    def close(self) -> None:
        self.zf.close()


def open_archive(path: Path) -> Archive:
    """Open and check an archive: its format and version, and every member's SHA-256 and
    line count against the manifest. ``BackupError`` (one line, what to do) otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}；请检查路径")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} 不是可读的备份文件（{exc}）：请换一个由 notoneless backup 生成的 .zip 文件") from exc
    try:
        try:
            manifest = json.loads(zf.read(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{path} 中没有可读的 {MANIFEST}：它不是 notoneless backup 生成的备份，请换一个文件") from exc
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} 的格式为 {manifest.get('format')} 第 {manifest.get('format_version')} 版，本程序只能恢复 "
                f"{FORMAT} 第 {FORMAT_VERSION} 版：请用生成它的版本恢复")
        expected = {f"node:{k.label}" for k in KEPT} | {f"rel:{link.type}" for link in LINKS} | {
            f"history:{t}" for t in HISTORY_TABLES}
        missing = sorted(expected - set(manifest.get("kinds", {})))
        if missing:
            raise BackupError(f"备份 {path} 不完整（缺少 {'、'.join(missing)}）：请换一个备份文件")
        for entry in manifest["kinds"].values():
            digest, count = hashlib.sha256(), 0
            try:
                with zf.open(entry["file"]) as fh:
                    for line in fh:
                        digest.update(line)
                        count += 1
            except (KeyError, zipfile.BadZipFile, OSError) as exc:
                raise BackupError(f"备份 {path} 已损坏：{entry['file']} 无法读取（{exc}）；请换一个备份文件") from exc
            if digest.hexdigest() != entry["sha256"] or count != entry["count"]:
                raise BackupError(
                    f"备份 {path} 已损坏或被改动：{entry['file']} 的校验值（SHA-256）或条数与清单不符，未恢复任何数据；"
                    "请换一个备份文件")
    except BaseException:
        zf.close()
        raise
    return Archive(path, manifest, zf)


def ledger_counts(store: GraphStore) -> dict[str, int]:
    """Nodes of the ledger's labels now in the graph (labels with none left out)."""
    counts = store.node_counts()
    return {label: counts[label] for label in LEDGER_LABELS if counts.get(label)}


def restore(store: GraphStore, history_path: Path, archive_path: Path) -> RestoreReport:
    """Rebuild the archive's nodes, relationships and person-id history (see the module docstring)."""
    archive = open_archive(archive_path)
    try:
        report = RestoreReport(Path(archive_path))
        present = ledger_counts(store)
        if present:
            shown = "、".join(f"{label} {n:,}" for label, n in present.items())
            raise BackupError(
                f"图数据库 {store.uri} 中已有台账数据（{shown}），恢复只能写入空台账，未做任何改动；"
                "请换一个空的图数据库（或新的工作区）后再运行 notoneless restore")
        report.history = _restore_history(archive, Path(history_path))
        store.init_schema()
        try:
            _write_graph(store, archive, report)
        except Exception as exc:
            raise BackupError(
                f"恢复中途失败（{exc}）：图数据库 {store.uri} 中已写入部分台账"
                + (f"，工作区的人员编号历史 {history_path} 也已写入" if report.history.startswith("已写入") else "")
                + "；请换一个新的工作区（NOTONELESS_WORKSPACE=新目录）或空的图数据库后重新运行 notoneless restore") from exc
        for table in HISTORY_TABLES:
            report.counts[f"history:{table}"] = archive.count(f"history:{table}")
        return report
    finally:
        archive.close()


def restore_history(store: GraphStore, history_path: Path, archive_path: Path) -> str:
    """Only the person-id history, into a workspace that lost it while the graph kept its
    ledger (``run.check_ledger`` refuses to run then). The archive must be this ledger's:
    its history names every run the graph finished, else the restored ids would not be the
    graph's, and nothing is written."""
    archive = open_archive(archive_path)
    try:
        finished = {r["run_id"] for r in store.query("runs/ids") if r["finished"]}
        if not finished:
            raise BackupError(f"图数据库 {store.uri} 中没有完成的比对：请用 notoneless restore {archive_path}（不加 "
                              "--history-only）恢复整个台账")
        archived = {r["run_id"] for r in archive.lines("history:runs")}
        lacking = sorted(finished - archived)
        if lacking:
            raise BackupError(
                f"备份 {archive_path} 的人员编号历史缺少图数据库中已完成的 {len(lacking)} 次比对（最近 {lacking[-1]}）："
                "它早于这些比对或属于另一个台账，恢复后的编号会与台账对不上，未做任何改动；请换一个更新的备份")
        return _restore_history(archive, Path(history_path))
    finally:
        archive.close()


def _write_graph(store: GraphStore, archive: Archive, report: RestoreReport) -> None:
    """The archive's nodes, then its relationships (their ends must exist first)."""
    for kept in KEPT:
        kind = f"node:{kept.label}"
        rows = ({"labels": r["labels"], "props": {k: decode(v) for k, v in r["props"].items()}}
                for r in archive.lines(kind))
        report.counts[kind] = store.write_rows("backup/create_nodes", rows, batch_size=_BATCH)
    for link in LINKS:
        kind = f"rel:{link.type}"
        rows = ({"start": r["start"], "end": r["end"], "props": {k: decode(v) for k, v in r["props"].items()}}
                for r in archive.lines(kind))
        report.counts[kind] = store.write_rows(link.restore_query, rows, batch_size=_BATCH)


def _restore_history(archive: Archive, history_path: Path) -> str:
    """Write the archive's person-id history into the workspace when it has none; keep an
    identical one; refuse one that differs (its runs are not the archive's)."""
    archived = [r["run_id"] for r in archive.lines("history:runs")]
    present = recorded_runs(history_path)
    if present:
        if present == archived:
            return "工作区的人员编号历史与备份一致，保留未动"
        raise BackupError(
            f"工作区的人员编号历史 {history_path} 记录了 {len(present)} 次比对（最近 {present[-1]}），"
            f"与备份中的 {len(archived)} 次不一致，未做任何改动；请把该文件移到别处（或换一个新的工作区）后重试")
    if not archived:
        return "备份中没有人员编号历史"
    history_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_path(history_path)}' AS {HISTORY}")
        con.execute(HISTORY_SCHEMA)
        with tempfile.TemporaryDirectory() as tmp:
            for table in HISTORY_TABLES:
                path = Path(tmp) / f"{table}.jsonl"
                with open(path, "wb") as fh:
                    fh.writelines(_line(row) for row in archive.lines(f"history:{table}"))
                if not archive.count(f"history:{table}"):
                    continue
                columns = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {HISTORY}.{table}").fetchall()}
                con.execute(
                    f"INSERT INTO {HISTORY}.{table} BY NAME SELECT * FROM read_json(?, format = 'newline_delimited', "
                    f"columns = {_duckdb_struct(columns)})", [str(path)])
        con.execute(f"DETACH {HISTORY}")
    finally:
        con.close()
    return f"已写入工作区的人员编号历史（{len(archived)} 次比对）"


def _duckdb_struct(columns: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"


def archive_sha256(path: Path) -> str:
    """The SHA-256 of an archive file, as hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def audit_archive(store: GraphStore, action: str, path: Path, counts: Mapping[str, int]) -> str:
    """One audit event of a backup or a restore (``access.audit.BACKUP`` / ``RESTORE``):
    who (the OS user, ``cli:<user>@<host>``), what (the archive's name and SHA-256 in
    ``target``, ``kind=count`` for each kind in ``fields``), when. Written after the
    archive (its SHA-256 is known only then): a backup's own event is in the next archive."""
    from notoneless.access.audit import cli_source, os_user, record_event

    return record_event(store, action, os_user(), None, None, [f"{k}={n}" for k, n in counts.items()],
                        source=cli_source(), target=f"{Path(path).name} sha256:{archive_sha256(path)}")


__all__ = ["KEPT", "LINKS", "REBUILT_LABELS", "BackupReport", "RestoreReport", "archive_sha256", "audit_archive", "backup", "open_archive",
           "restore"]
