"""Backup and restore of officers' work (issue 18, case 3), on the real local Neo4j.

The round trip: run the hand-made bundle, act on cases (an exclusion with evidence, a
confirmed dropout), decide an identity pair, assign and take off duty a 三包 contact,
register users and read a child's trail (audited), back up. A control run on the intact
graph, then everything lost (the graph emptied, history.duckdb deleted), restored, and
the same run again: the ledger, the decisions, the outputs and the graph are those of the
control. A tampered archive and a graph that already holds a ledger are refused.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from neo4j.time import DateTime
from officers import officer
from rich.console import Console
from run_helpers import OUTPUT_FILES, forget_history, graph_counts
from typer.testing import CliRunner

from notoneless import backup as backups
from notoneless.access.audit import record_read
from notoneless.access.users import Role, create_user
from notoneless.cases.ledger import act
from notoneless.cases.ledger_reads import list_cases
from notoneless.cli import app
from notoneless.config import get_settings
from notoneless.contacts import actions
from notoneless.decisions import book
from notoneless.decisions.judgement import Verdict
from notoneless.decisions.queue import list_reviews
from notoneless.errors import BackupError, LedgerMissing
from notoneless.run import run_bundle
from notoneless.synth import HardCaseRates, WorldConfig, generate_bundle

pytestmark = pytest.mark.graph

HANDMADE = Path(__file__).parent / "fixtures" / "handmade_bundle"
SOUTH = "431224101202"  # 城南村 of 卢峰镇 (tests/contacts/test_contacts_run.py)


def _quiet() -> Console:
    return Console(file=io.StringIO(), width=300)


def _officers_work(graph, out: Path) -> str:
    """Officers act on the ledger; returns a plain token that must never reach a backup."""
    county = officer(graph, "溆浦县数据员", Role.COUNTY, "431224")
    town = officer(graph, "卢峰镇专干", Role.TOWN, "431224101")
    token = create_user(graph, "鹤城区审计", Role.AUDITOR, "431202")
    persons = dict(line.split(",")[:2] for line in (out / "entities.csv").read_text(encoding="utf-8").splitlines()[1:])
    merged = {persons["hukou:5"], persons["hukou:6"]}  # 李娜 and 李强: the decision below makes them one
    dropouts = [c for c in list_cases(graph, county="431224", case_type="dropout") if c.person_id not in merged]
    assert len(dropouts) >= 2, dropouts
    first, second = dropouts[0].case_id, dropouts[1].case_id
    act(graph, first, "start_verification", by=county)
    act(graph, first, "exclude", by=county, reason="B2", evidence=["学籍号=G1", "学籍所在省=广东", "学校名称=深圳一小"],
        note="在广东就读")
    act(graph, second, "start_verification", by=county)
    act(graph, second, "confirm_dropout", by=county, reason="A2")
    book.decide(graph, "hukou:5", "hukou:6", Verdict.SAME, by=county, note="同一儿童，户籍重复登记")
    actions.assign(graph, town, "LX001", "包村", targets=[SOUTH], note="整村包保")
    actions.set_status(graph, county, "LX003", "离岗", note="调离")
    record_read(graph, county, "trail", person_id=persons["hukou:5"])
    return token


def _officers_work_generated(graph, out: Path, bundle: Path) -> str:
    """The same kinds of work on a generated bundle, on what it happens to hold: the first
    dropout cases of its county, the first item of the review queue, its first 包村 contact."""
    county = "431202"
    officer_ = officer(graph, "鹤城区数据员", Role.COUNTY, county)
    token = create_user(graph, "鹤城区审计", Role.AUDITOR, county)
    dropouts = list_cases(graph, county=county, case_type="dropout")
    assert dropouts, "the generated bundle has no dropout case to act on"
    act(graph, dropouts[0].case_id, "start_verification", by=officer_)
    act(graph, dropouts[0].case_id, "exclude", by=officer_, reason="B2",
        evidence=["学籍号=G9", "学籍所在省=广东", "学校名称=东莞二小"], note="在广东就读")
    if len(dropouts) > 1:
        act(graph, dropouts[1].case_id, "start_verification", by=officer_)
    # an identity pair: the review queue's first item, judged the same child; a bundle this
    # small may have none, then two records linked into one person, judged two children (a split)
    total, reviews = list_reviews(graph, county=county, limit=1)
    if total:
        book.decide(graph, reviews[0]["record_key_a"], reviews[0]["record_key_b"], Verdict.SAME, by=officer_,
                    note="核实为同一儿童")
    else:
        records: dict[str, list[str]] = {}
        for line in (out / "entities.csv").read_text(encoding="utf-8-sig").splitlines()[1:]:
            key, person = line.split(",")[:2]
            records.setdefault(person, []).append(key)
        key_a, key_b = next(keys for keys in records.values() if len(keys) > 1)[:2]
        book.decide(graph, key_a, key_b, Verdict.DIFFERENT, by=officer_, note="核实为两名儿童")
    contacts = [line.split(",") for line in (bundle / "contacts.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    villages = [c[5] for c in contacts if c[4] == "包村"]
    first, other = next(c for c in contacts if c[4] == "包村"), next(v for v in villages[1:] if v != villages[0])
    actions.assign(graph, officer_, first[0], "包村", targets=[other], note="增派包村")
    actions.set_status(graph, officer_, contacts[-1][0], "离岗", note="调离")
    person = (out / "entities.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[1]
    record_read(graph, officer_, "trail", person_id=person)
    return token


def _state(graph, history: Path, run_id: str | None, cutoff: datetime) -> dict[str, list]:
    """Everything a backup holds, read now, with what only the time and the id of the
    latest run make differ put aside: that run's id, the ids of the cases it opened (a
    case id is minted from its match key and the id of the run that opens it), datetimes
    after ``cutoff``, the seconds in its summary."""
    members = {kind: [raw.decode("utf-8") for raw in lines]
               for kind, _member, lines in backups.archive_members(graph, history)}
    minted = {}  # the id of a case the latest run opened → a name that does not depend on the run id
    for text in members["node:Case"] if run_id else []:
        props = json.loads(text)["props"]
        if props.get("opened_run") == run_id:
            minted[props["case_id"]] = f"<opened by the run: {props['match_key']}>"
    state: dict[str, list] = {}
    for kind, lines in members.items():
        rows = []
        for text in lines:
            if run_id:
                text = text.replace(run_id, "<run>")
                for case_id, name in minted.items():
                    text = text.replace(case_id, name)
            row = json.loads(text)
            props = row.get("props", row)
            for key, value in list(props.items()):
                if (isinstance(value, dict) and value.get("$type") == "datetime"
                        and DateTime.from_iso_format(value["value"]).to_native() > cutoff):
                    props[key] = "<after the backup>"
                if key == "summary_json" and value:
                    summary = json.loads(value)
                    summary.pop("seconds")
                    props[key] = summary
            if kind == "history:runs" and row["run_id"] == "<run>":
                row["recorded_at"] = "<after the backup>"
            rows.append(row)
        state[kind] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    return state


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def _summary(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("run_id", "seconds"):
        summary.pop(key)
    return summary


@pytest.mark.parametrize("source", ["handmade", "generated"])
def test_backup_wipe_restore_and_the_next_run_is_the_control(graph, graph_settings, tmp_path, source):
    history = graph_settings.paths.history
    if source == "handmade":
        bundle = HANDMADE
    else:
        bundle = generate_bundle(tmp_path / "gen", WorldConfig(
            counties=1, children_per_county=200, seed=11, hard=replace(HardCaseRates(), namesakes=0.05))).bundle_dir
    run_bundle(bundle, tmp_path / "out1", graph_settings, console=_quiet())
    if source == "handmade":
        token = _officers_work(graph, tmp_path / "out1")
    else:
        token = _officers_work_generated(graph, tmp_path / "out1", bundle)
    report = backups.backup(graph, history, tmp_path / "backups", source={"test": True})
    assert report.path.parent == tmp_path / "backups" and report.path.name.startswith("notoneless-backup-")
    raw = b"".join(zipfile.ZipFile(report.path).read(n) for n in zipfile.ZipFile(report.path).namelist())
    assert token.encode() not in raw  # users travel with the SHA-256 of their token only
    for kind in ("node:Case", "node:CaseEvent", "node:IdentityDecision", "node:ContactAssignment",
                 "node:ContactStatusChange", "node:User", "node:UserChange", "node:AuditEvent", "node:Run",
                 "rel:HAS_EVENT", "history:runs", "history:person_id_history"):
        assert report.counts[kind] > 0, kind
    backed_up = _state(graph, history, None, datetime.now(UTC))
    cutoff = datetime.now(UTC)

    # the control: the next run on the intact ledger
    control = run_bundle(bundle, tmp_path / "out", graph_settings, console=_quiet())
    expected_outputs, expected_summary = _outputs(tmp_path / "out"), _summary(tmp_path / "out")
    expected = _state(graph, history, control.run_id, cutoff)
    expected_counts = graph_counts(graph)
    assert control.decisions, control.cases  # the decision was honoured

    # everything lost: the graph's data directory and the workspace's history
    graph.clear()
    forget_history(graph_settings)
    restored = backups.restore(graph, history, report.path)
    assert restored.counts == report.counts
    assert _state(graph, history, None, datetime.now(UTC)) == backed_up  # the ledger as it was, type for type

    again = run_bundle(bundle, tmp_path / "out", graph_settings, console=_quiet())
    assert again.cases == control.cases and again.decisions == control.decisions
    assert _outputs(tmp_path / "out") == expected_outputs
    assert _summary(tmp_path / "out") == expected_summary
    assert _state(graph, history, again.run_id, cutoff) == expected
    assert graph_counts(graph) == expected_counts


def test_a_tampered_archive_and_a_graph_with_a_ledger_are_refused(graph, graph_settings, tmp_path):
    history = graph_settings.paths.history
    run_bundle(HANDMADE, tmp_path / "out", graph_settings, console=_quiet())
    officer(graph, "溆浦县数据员", Role.COUNTY, "431224")
    archive = backups.backup(graph, history, tmp_path / "b.zip", source={}).path

    # restore into the graph it came from: refused, nothing written
    before = graph_counts(graph)
    with pytest.raises(BackupError, match="已有台账数据"):
        backups.restore(graph, history, archive)
    assert graph_counts(graph) == before

    # one case's state changed inside the archive: its checksum no longer agrees
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "graph/nodes/Case.jsonl":
                data = re.sub(rb'"state":"[^"]+"', '"state":"销号"'.encode(), data, count=1)
            dst.writestr(name, data)
    graph.clear()
    forget_history(graph_settings)
    with pytest.raises(BackupError, match="校验值"):
        backups.restore(graph, history, tampered)
    assert graph_counts(graph) == ({}, {}) and not history.exists()

    # from the command line: the same refusal, one line; then the good archive restores
    env = {"NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port),
           "COLUMNS": "240"}
    get_settings.cache_clear()
    try:
        bad = CliRunner().invoke(app, ["restore", str(tampered)], env=env)
        assert isinstance(bad.exception, BackupError), bad.output
        good = CliRunner().invoke(app, ["restore", str(archive)], env=env)
        assert good.exit_code == 0, good.output
        assert "已恢复" in good.output
        again = CliRunner().invoke(app, ["backup", str(tmp_path / "again.zip")], env=env)
        assert again.exit_code == 0, again.output
    finally:
        get_settings.cache_clear()
    first, second = zipfile.ZipFile(archive), zipfile.ZipFile(tmp_path / "again.zip")
    assert [n for n in first.namelist() if n != backups.MANIFEST] == [n for n in second.namelist() if n != backups.MANIFEST]
    events = "graph/nodes/AuditEvent.jsonl"
    for name in first.namelist():  # backup → restore → backup gives the same members, byte for byte
        if name not in (backups.MANIFEST, events):
            assert first.read(name) == second.read(name), name
    # … and the audit events, with the restore's own event added
    added = set(second.read(events).splitlines()) - set(first.read(events).splitlines())
    assert set(first.read(events).splitlines()) <= set(second.read(events).splitlines())
    assert [json.loads(line)["props"]["action"] for line in added] == ["restore"]


def test_a_workspace_whose_ledger_is_gone_refuses_to_run(graph, graph_settings, tmp_path):
    run_bundle(HANDMADE, tmp_path / "out1", graph_settings, console=_quiet())
    archive = backups.backup(graph, graph_settings.paths.history, tmp_path / "b.zip", source={}).path
    graph.clear()  # the graph's data lost; history.duckdb remembers the run
    with pytest.raises(LedgerMissing) as refused:
        run_bundle(HANDMADE, tmp_path / "out2", graph_settings, console=_quiet())
    message = str(refused.value)
    assert message.startswith("台账数据缺失") and "没有台账" in message
    assert "notoneless restore" in message and "--new-ledger" in message
    assert graph_counts(graph) == ({}, {}) and not (tmp_path / "out2" / "entities.csv").exists()

    # a graph holding another workspace's ledger is refused too
    run_bundle(HANDMADE, tmp_path / "other", graph_settings.model_copy(update={"workspace": tmp_path / "other-ws"}),
               console=_quiet(), open_graph=lambda _settings: nullcontext(graph))
    with pytest.raises(LedgerMissing, match="另一个工作区"):
        run_bundle(HANDMADE, tmp_path / "out2", graph_settings, console=_quiet())

    # the two ways out: restore the backup (into an empty graph), or say --new-ledger
    graph.clear()
    backups.restore(graph, graph_settings.paths.history, archive)
    assert run_bundle(HANDMADE, tmp_path / "out3", graph_settings, console=_quiet()).cases["new"] == 0
    graph.clear()
    out = io.StringIO()
    fresh = run_bundle(HANDMADE, tmp_path / "out4", graph_settings, console=Console(file=out, width=300),
                       new_ledger=True)
    assert fresh.cases["new"] > 0 and "--new-ledger" in out.getvalue()
    for name in OUTPUT_FILES:  # the same person ids: the history was kept
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out4" / name).read_bytes(), name


def _cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith("NOTONELESS_")}
    # the package under test, wherever the command runs (a relative PYTHONPATH would not follow cwd)
    environ.update({"COLUMNS": "300", "PYTHONPATH": str(Path(backups.__file__).resolve().parents[1]), **env})
    return subprocess.run([sys.executable, "-c", "from notoneless.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, env=environ, timeout=120, check=False)


@pytest.mark.parametrize("args", [["cases", "list"], ["trail", "P0"], ["reviews", "list"], ["serve"],
                                  ["backup", "b.zip"], ["graph", "init"], ["graph", "stop"]])
def test_a_read_command_outside_any_workspace_says_so_and_creates_nothing(tmp_path, args):
    result = _cli(args, tmp_path)
    assert not (tmp_path / ".notoneless").exists()
    if args == ["graph", "stop"]:
        assert result.returncode == 0 and "未在运行" in result.stdout
        return
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(tmp_path / ".notoneless") in lines[0] and "NOTONELESS_WORKSPACE" in lines[0]
    assert "notoneless run" in lines[0]
    named = _cli(args, tmp_path, NOTONELESS_WORKSPACE=str(tmp_path / "ws"))
    assert "NOTONELESS_WORKSPACE 指向的工作区" in named.stderr and not (tmp_path / "ws").exists()


def test_run_checks_out_before_it_makes_the_workspace(tmp_path):
    (tmp_path / "out").write_text("a file, not a directory", encoding="utf-8")
    result = _cli(["run", str(HANDMADE), "--out", str(tmp_path / "out")], tmp_path)
    assert result.returncode == 2 and "结果目录" in result.stderr, result.stderr
    assert not (tmp_path / ".notoneless").exists()
    shutil.rmtree(tmp_path / ".notoneless", ignore_errors=True)



def test_a_backup_without_the_person_id_history_says_so(graph, graph_settings, tmp_path):
    run_bundle(HANDMADE, tmp_path / "out", graph_settings, console=_quiet())
    forget_history(graph_settings)  # e.g. backup run from another workspace than the runs'
    env = {"NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port),
           "COLUMNS": "400"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["backup", str(tmp_path / "b.zip")], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "没有人员编号历史" in result.output and "NOTONELESS_WORKSPACE" in result.output


def test_a_first_run_killed_after_linkage_is_no_lost_ledger(graph, graph_settings, tmp_path):
    """Linkage records the run in history.duckdb before its Run node exists: a first run
    killed at the load leaves a history naming a run the graph never saw. The run lock
    still names the killed run, so the next run redoes it instead of refusing."""
    import os
    import signal

    from notoneless.run import STOP_AT_ENV

    env = {**os.environ, "NOTONELESS_WORKSPACE": str(graph_settings.workspace),
           "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port), STOP_AT_ENV: "load"}
    killed = subprocess.run([sys.executable, "-c", "from notoneless.cli import main; main()", "run", str(HANDMADE),
                             "--out", str(tmp_path / "killed")], check=False, env=env, capture_output=True, text=True,
                            timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert graph_settings.paths.history.exists() and graph_counts(graph)[0].get("Run") is None
    out = io.StringIO()
    rerun = run_bundle(HANDMADE, tmp_path / "out", graph_settings, console=Console(file=out, width=300))
    assert rerun.cases["new"] > 0 and "台账数据缺失" not in out.getvalue()
    # the lock was released cleanly this time: a later loss of the graph is still caught
    graph.clear()
    with pytest.raises(LedgerMissing):
        run_bundle(HANDMADE, tmp_path / "out2", graph_settings, console=_quiet())


def test_a_workspace_whose_history_is_gone_refuses_to_run_and_restores_it_alone(graph, graph_settings, tmp_path):
    """The other half of a lost ledger: the graph keeps its cases, history.duckdb is gone.
    A run would give every child a new person id and open every case anew."""
    first = run_bundle(HANDMADE, tmp_path / "out1", graph_settings, console=_quiet())
    archive = backups.backup(graph, graph_settings.paths.history, tmp_path / "b.zip", source={}).path
    forget_history(graph_settings)
    with pytest.raises(LedgerMissing) as refused:
        run_bundle(HANDMADE, tmp_path / "out2", graph_settings, console=_quiet())
    message = str(refused.value)
    assert message.startswith("人员编号历史缺失") and "--history-only" in message and "--new-ledger" in message
    assert not (tmp_path / "out2" / "entities.csv").exists() and not graph_settings.paths.history.exists()

    result = CliRunner().invoke(app, ["restore", str(archive), "--history-only"],
                                env={"NOTONELESS_WORKSPACE": str(graph_settings.workspace),
                                     "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port)})
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    [audited] = graph.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent {action: 'restore'}) RETURN a.fields AS fields").data())
    assert any(f.startswith("history:runs=") for f in audited["fields"])
    again = run_bundle(HANDMADE, tmp_path / "out3", graph_settings, console=_quiet())
    assert again.cases["new"] == 0 and again.cases["still_open"] == first.cases["new"]
    for name in OUTPUT_FILES:  # the same person ids as before the loss
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out3" / name).read_bytes(), name

    # an archive older than the ledger's last finished run is refused, and writes nothing
    forget_history(graph_settings)
    with pytest.raises(BackupError, match="缺少图数据库中已完成的 1 次比对"):
        backups.restore_history(graph, graph_settings.paths.history, archive)
    assert not graph_settings.paths.history.exists()
    out = io.StringIO()
    fresh = run_bundle(HANDMADE, tmp_path / "out4", graph_settings, console=Console(file=out, width=300),
                       new_ledger=True)
    assert "--new-ledger" in out.getvalue() and fresh.cases is not None


def test_backup_first_moves_the_audit_journal_and_backup_and_restore_are_audited(graph, graph_settings, tmp_path):
    """A backup holds the API's audit events still in the workspace's journal: a segment
    left by a stopped server is moved (written to the graph, deleted), a live server's is
    copied and left alone. Backup and restore each leave an audit event: who (the OS
    user), what (the archive's name and SHA-256, the counts), when."""
    from notoneless.access.audit import os_user, read_event

    reader = officer(graph, "溆浦县数据员", Role.COUNTY, "431224")
    journal = graph_settings.paths.audit_journal
    journal.mkdir(parents=True, exist_ok=True)
    for left in journal.glob("*"):  # segments of earlier tests' servers in the shared workspace: not this test's
        left.unlink()
    left = read_event(reader, "trail_read", source="127.0.0.1", person_id="P-LEFT")
    live = read_event(reader, "trail_read", source="127.0.0.1", person_id="P-LIVE")
    orphan = journal / "audit-1-11111-aaaaaaaa.jsonl"  # no process holds it: a stopped server's
    orphan.write_text(json.dumps(left, ensure_ascii=False) + "\n", encoding="utf-8")
    held = journal / "audit-2-22222-bbbbbbbb.jsonl"  # held (flock) as a running server holds its segment
    held.write_text(json.dumps(live, ensure_ascii=False) + "\n", encoding="utf-8")
    env = {"NOTONELESS_WORKSPACE": str(graph_settings.workspace), "NOTONELESS_GRAPH_PORT": str(graph_settings.graph_port),
           "COLUMNS": "240"}
    fd = os.open(held, os.O_RDONLY)
    get_settings.cache_clear()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = CliRunner().invoke(app, ["backup", str(tmp_path / "b.zip")], env=env)
        assert result.exit_code == 0, result.output
        assert "2 条审计记录已先写入图数据库" in result.output.replace("\n", "")
        assert not orphan.exists()  # moved
        assert held.read_text(encoding="utf-8") == json.dumps(live, ensure_ascii=False) + "\n"  # left as it was
    finally:
        os.close(fd)
        get_settings.cache_clear()
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        archived = [json.loads(line)["props"] for line in zf.read("graph/nodes/AuditEvent.jsonl").splitlines()]
    assert {e["event_id"] for e in archived} >= {left["event_id"], live["event_id"]}
    digest = backups.archive_sha256(tmp_path / "b.zip")
    backup_event = graph.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent {action: 'backup'}) RETURN a {.*} AS a").single()["a"])
    assert backup_event["by"] == os_user() and backup_event["source"].startswith(f"cli:{os_user()}@")
    assert backup_event["target"] == f"b.zip sha256:{digest}"
    assert "node:AuditEvent=2" in backup_event["fields"] and "node:User=1" in backup_event["fields"]

    # restored elsewhere (an emptied graph, a new workspace's history): the restore is audited in it
    graph.clear()
    forget_history(graph_settings)
    get_settings.cache_clear()
    try:
        restored = CliRunner().invoke(app, ["restore", str(tmp_path / "b.zip")], env=env)
    finally:
        get_settings.cache_clear()
    assert restored.exit_code == 0, restored.output
    events = graph.execute_read(lambda tx: tx.run(
        "MATCH (a:AuditEvent) WHERE a.action IN ['backup', 'restore'] RETURN a.action AS action, a.target AS target, "
        "a.fields AS fields, a.by AS by ORDER BY a.at").data())
    # the backup's own event was written after its archive: only the restore's is here
    assert [(e["action"], e["target"], e["by"]) for e in events] == [("restore", f"b.zip sha256:{digest}", os_user())]
    assert "node:AuditEvent=2" in events[0]["fields"]
