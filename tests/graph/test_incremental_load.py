"""The incremental load (issue 21): a re-run writes only what changed, and never trusts a
stale diff. Each test compares a full dump of the load-owned nodes and relationships
with their properties (``run_id`` aside: it is the run that last wrote an item)."""

from __future__ import annotations

import json

import duckdb
import handbuilt_scenario as sc
import pytest
from handbuilt_workspace import build_workspace

from notoneless import backup
from notoneless.graph import load
from notoneless.graph.load import FULL, INCREMENTAL, STEPS, load_graph

pytestmark = pytest.mark.graph

KEYS = {"Division": "code", "School": "school_id", "Person": "person_id", "SourceRecord": "record_key",
        "Household": "key", "Contact": "contact_id", "Visit": "key", "ContactAssignment": "assignment_id"}


def _workspace(records=None, schools=None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_workspace(con, divisions=sc.DIVISIONS, schools=sc.SCHOOLS if schools is None else schools,
                    records=sc.records() if records is None else records, contacts=sc.CONTACTS, visits=sc.VISITS)
    return con


def _changed_records() -> list[dict]:
    """The next month's bundle: a record moved to another person, a record removed, a new
    record, a household member gone (P02's hukou record no longer names H02)."""
    records = [r for r in sc.records() if r["person_id"] != "P03"]  # hukou:3 removed
    for r in records:
        if (r["source"], r["row"]) == ("hukou", 1):
            r["person_id"] = "P01B"
        if (r["source"], r["person_id"]) == ("hukou", "P02"):
            r["household"] = None
    last = max(r["row"] for r in records if r["source"] == "hukou")
    records.append(dict(source="hukou", row=last + 1, person_id="P99", id=None, name="新来的", code=sc.V2,
                        hukou_status="正常", household="H99", relation="子"))
    return records


def _changed_schools() -> list[tuple]:
    return [(sid, name + "（新址）", sc.A, kind) if sid == "S2" else (sid, name, county, kind)
            for sid, name, county, kind in sc.SCHOOLS]


def _dump(graph) -> tuple[list, list]:
    """Every load-owned node and relationship with its properties (without run_id), sorted."""

    def ident(labels: list[str], props: dict) -> str:
        label = next(lb for lb in sorted(labels) if lb in KEYS)
        return f"{label}:{props[KEYS[label]]}"

    def clean(props: dict) -> str:
        return json.dumps({k: str(v) for k, v in props.items() if k != "run_id"}, sort_keys=True, ensure_ascii=False)

    def read(tx):
        owned = list(KEYS)
        nodes = tx.run("MATCH (n) WHERE any(l IN labels(n) WHERE l IN $owned) "
                       "RETURN labels(n) AS labels, properties(n) AS props", owned=owned).data()
        rels = tx.run("MATCH (a)-[r]->(b) WHERE any(l IN labels(a) WHERE l IN $owned) "
                      "AND any(l IN labels(b) WHERE l IN $owned) "
                      "RETURN labels(a) AS la, properties(a) AS pa, type(r) AS type, properties(r) AS props, "
                      "labels(b) AS lb, properties(b) AS pb", owned=owned).data()
        return nodes, rels

    nodes, rels = graph.execute_read(read)
    return (sorted((sorted(n["labels"]), clean(n["props"])) for n in nodes),
            sorted((ident(r["la"], r["pa"]), r["type"], clean(r["props"]), ident(r["lb"], r["pb"])) for r in rels))


def _full_from_scratch(graph, con) -> tuple[list, list]:
    graph.clear()
    report = load_graph(con, graph, run_id="scratch")
    assert report.mode == FULL
    return _dump(graph)


def test_an_unchanged_rerun_writes_nothing_and_leaves_the_same_graph(graph, tmp_path):
    state = tmp_path / "graph_load.duckdb"
    con = _workspace()
    first = load_graph(con, graph, run_id="r1", state=state)
    assert first.mode == FULL and "no completed load" in first.reason
    before = _dump(graph)
    again = load_graph(con, graph, run_id="r2", state=state)
    assert again.mode == INCREMENTAL, again.reason
    assert again.written == 0 and sum(again.rows.values()) == 0
    assert set(again.rows) == {s.label for s in STEPS}
    assert _dump(graph) == before
    # nothing was even stamped: every item still names the run that wrote it
    assert graph.execute_read(lambda tx: tx.run(
        "MATCH (n:SourceRecord) WHERE n.run_id <> 'r1' RETURN count(n) AS n").single()["n"]) == 0
    assert "incremental load: 0 rows written" in again.describe()


def test_a_changed_bundle_gives_the_graph_a_full_load_gives(graph, tmp_path):
    state = tmp_path / "graph_load.duckdb"
    load_graph(_workspace(), graph, run_id="r1", state=state)
    total = sum(load_graph(_workspace(), graph, run_id="r1b").rows.values())  # a full load's rows (no state)
    load_graph(_workspace(), graph, run_id="r1c", state=state)  # the workspace's record again
    changed = _workspace(_changed_records(), _changed_schools())
    report = load_graph(changed, graph, run_id="r2", state=state)
    assert report.mode == INCREMENTAL, report.reason
    assert 0 < sum(report.rows.values()) < total / 3
    assert report.rows["School 学校"] == 1
    assert report.deleted["SourceRecord 源记录"] == 1  # hukou:3
    assert report.deleted["Person 人员"] >= 1  # P03 (and P01, whose only records moved, if so)
    incremental = _dump(graph)
    pairs = {(r[0], r[1], r[3]) for r in incremental[1]}
    assert ("Person:P01B", "HAS_RECORD", "SourceRecord:hukou:1") in pairs
    assert not any(r[0] == "Person:P01" and r[3] == "SourceRecord:hukou:1" for r in incremental[1])
    assert ("School:S2", "IN", f"Division:{sc.A}") in pairs
    assert not any(n[1].find('"record_key": "hukou:3"') >= 0 for n in incremental[0])
    assert _full_from_scratch(graph, changed) == incremental
    # and the bundle back as it was, incrementally again, is the first graph
    load_graph(changed, graph, run_id="r3", state=state)  # after the scratch load: full, say so
    back = load_graph(_workspace(), graph, run_id="r4", state=state)
    assert back.mode == INCREMENTAL
    assert _dump(graph) == _full_from_scratch(graph, _workspace())


def _watch_persons_among(monkeypatch) -> list[str]:
    """The TEMP tables of persons each load computed the rows of (graph/load.py persons_among);
    a load that computed every person's adds none."""
    among: list[str] = []
    original = load.persons_among
    monkeypatch.setattr(load, "persons_among", lambda t: among.append(t) or original(t))
    return among


def test_records_moved_between_persons_recompute_only_theirs(graph, tmp_path, monkeypatch):
    """The schools and the manifest unchanged, an incremental load computes the rows of only
    the persons whose records changed (graph/load.py persons_among), and the graph is still
    what a full load writes."""
    state = tmp_path / "graph_load.duckdb"
    load_graph(_workspace(), graph, run_id="r1", state=state)
    among = _watch_persons_among(monkeypatch)
    changed = _workspace(_changed_records())
    report = load_graph(changed, graph, run_id="r2", state=state)
    assert report.mode == INCREMENTAL and len(among) == 1
    recomputed = {k for (k,) in changed.execute(f"SELECT _k FROM {among[0]}").fetchall()}
    assert recomputed == {"P01", "P01B", "P03", "P99"}  # P02 lost only a household: no input of its row
    assert report.deleted["Person 人员"] >= 1  # P03
    assert _dump(graph) == _full_from_scratch(graph, changed)


def test_persons_inputs_left_stale_by_another_version_are_not_trusted(graph, tmp_path, monkeypatch):
    """A load by a version that keeps no persons' inputs (simulated: it saves none) leaves the
    workspace's record of them one load behind; the next load knows it by its token, computes
    every person's row and keeps the inputs whole again: the graph is what a full load writes."""
    state = tmp_path / "graph_load.duckdb"
    load_graph(_workspace(), graph, run_id="r1", state=state)
    with monkeypatch.context() as older:
        older.setattr(load.PersonInputs, "kept", lambda self, con, token: [])
        assert load_graph(_workspace(_changed_records()), graph, run_id="r2", state=state).mode == INCREMENTAL
    among = _watch_persons_among(monkeypatch)
    back = load_graph(_workspace(), graph, run_id="r3", state=state)  # the inputs as r1 recorded them
    assert back.mode == INCREMENTAL and among == [] and back.rows["Person 人员"] > 0
    assert _dump(graph) == _full_from_scratch(graph, _workspace())
    load_graph(_workspace(), graph, run_id="r4", state=state)  # after the scratch load: full, inputs kept
    load_graph(_workspace(_changed_records()), graph, run_id="r5", state=state)
    assert len(among) == 1  # trusted again


def test_a_changed_value_keeps_its_links_and_a_move_replaces_them(graph, tmp_path):
    """A record whose values change but whose links point where they did (a grade, an amount,
    a relation, one gone) keeps its relationships, which get the new values (and only those
    whose values changed are written); a record moved to
    another school loses its old ENROLLED_AT. Either way the graph is what a full load writes."""
    state = tmp_path / "graph_load.duckdb"
    load_graph(_workspace(), graph, run_id="r1", state=state)

    def rels(tx):
        return {(r["key"], r["type"]): (r["id"], r["props"]) for r in tx.run(
            "MATCH (n:SourceRecord)-[x:ENROLLED_AT|MEMBER_OF|PAID_BY]->(m) "
            "RETURN n.record_key AS key, type(x) + '>' + coalesce(m.school_id, m.key, m.code) AS type, "
            "elementId(x) AS id, properties(x) AS props")}

    before = graph.execute_read(rels)
    records = sc.records()
    grade = next(r for r in records if r["source"] == "xueji" and r["person_id"] == "P02")
    moved = next(r for r in records if r["source"] == "xueji" and r["person_id"] == "P24")
    relation = next(r for r in records if r["source"] == "hukou" and r["person_id"] == "P01")
    amount = next(r for r in records if r["source"] == "zizhu" and r["person_id"] == "P20")
    gone = next(r for r in records if r["source"] == "fupin" and r["person_id"] == "P27")
    grade["grade"], moved["school_id"], relation["relation"], amount["amount"] = "四年级", "S2", "孙子", 650
    gone["relation"] = None  # the property goes from the record and from its MEMBER_OF
    changed = _workspace(records)
    report = load_graph(changed, graph, run_id="r2", state=state)
    assert report.mode == INCREMENTAL, report.reason
    assert report.rows["SourceRecord 源记录"] == 5
    after = graph.execute_read(rels)
    key = lambda r: f"{r['source']}:{r['row']}"
    kept = {(key(grade), "ENROLLED_AT>S1"): ("grade", "四年级"), (key(relation), "MEMBER_OF>hukou:H01"): ("relation", "孙子")}
    for k, (prop, value) in kept.items():
        assert after[k][0] == before[k][0], k  # the same relationship, not deleted and made again
        assert after[k][1][prop] == value and after[k][1]["run_id"] == "r2"
    # a link that carries no value that changed is not written: it keeps the run that wrote it
    paid = next(k for k in after if k[0] == key(amount) and k[1].startswith("PAID_BY>"))
    assert after[paid] == before[paid] and after[paid][1]["run_id"] == "r1"
    assert (key(moved), "ENROLLED_AT>S1") in before and (key(moved), "ENROLLED_AT>S1") not in after
    assert (key(moved), "ENROLLED_AT>S2") in after
    assert "relation" not in after[(key(gone), "MEMBER_OF>fupin:F27")][1]
    assert graph.execute_read(lambda tx: tx.run(
        "MATCH (r:SourceRecord {record_key: $k}) RETURN r.relation AS v, r.run_id AS run", k=key(gone)).single().data()
    ) == {"v": None, "run": "r2"}
    assert _dump(graph) == _full_from_scratch(graph, changed)


def test_a_graph_cleared_behind_the_workspace_is_loaded_in_full(graph, tmp_path):
    state = tmp_path / "graph_load.duckdb"
    con = _workspace()
    load_graph(con, graph, run_id="r1", state=state)
    before = _dump(graph)
    graph.clear()
    report = load_graph(con, graph, run_id="r2", state=state)
    assert report.mode == FULL and "no load marker in the graph" in report.reason
    assert "全量写入图数据库" in report.describe() and "full load" in report.describe()
    assert sum(report.rows.values()) > 0
    assert _dump(graph) == before
    # a restored backup brings no marker back either: the next load after a restore is full
    assert "GraphLoad" not in {k.label for k in backup.KEPT}


def test_another_writer_makes_the_next_load_full(graph, tmp_path):
    con = _workspace()
    load_graph(con, graph, run_id="r1", state=tmp_path / "a.duckdb")
    load_graph(_workspace(_changed_records()), graph, run_id="r2", state=tmp_path / "b.duckdb")  # another workspace
    report = load_graph(con, graph, run_id="r3", state=tmp_path / "a.duckdb")
    assert report.mode == FULL and "differs from the workspace" in report.reason
    assert _dump(graph) == _full_from_scratch(graph, con)


def test_an_interrupted_load_makes_the_next_one_full(graph, tmp_path):
    state = tmp_path / "graph_load.duckdb"
    load_graph(_workspace(), graph, run_id="r1", state=state)
    changed = _workspace(_changed_records(), _changed_schools())

    class Stop(Exception):
        pass

    def stop_in_records(label: str, done: int, total: int) -> None:
        if label.startswith("SourceRecord") and done:
            raise Stop  # half-way: persons and schools written, records partly

    with pytest.raises(Stop):
        load_graph(changed, graph, run_id="r2", state=state, on_progress=stop_in_records, batch_size=2)
    report = load_graph(changed, graph, run_id="r3", state=state)
    assert report.mode == FULL and "interrupted" in report.reason
    assert _dump(graph) == _full_from_scratch(graph, changed)


def test_officers_events_between_runs_rewrite_the_contact_steps_whole(graph, tmp_path):
    """Officers' 三包 actions write contacts and responsibilities straight into the graph
    between runs: the next load writes those steps whole, and the graph is a full load's."""
    import datetime as dt

    from notoneless.contacts.effective import ServiceStatements

    state = tmp_path / "graph_load.duckdb"
    reference = dt.date(2025, 10, 15)
    con = _workspace()
    load_graph(con, graph, run_id="r1", state=state, service=ServiceStatements.read(graph, reference))
    made = dt.datetime.now(dt.UTC).isoformat()
    event = {"assignment_id": "CA-t1", "action": "assign", "contact_id": "C1", "duty_type": "包人", "target": "P20",
             "made_by": "测试", "actor_id": "U-t", "actor_role": "乡镇专干", "actor_division": "431202101",
             "made_at": made, "note": None, "batch_id": "CB-t1"}

    def act(tx):
        tx.run(graph.cypher("contacts/record_assignments"), rows=[event]).consume()
        tx.run(graph.cypher("contacts/apply_assignments"), rows=[event]).consume()

    graph.execute_write(act)
    graph.query("contacts/record_status", change_id="CS-t1", contact_id="C2", status="离岗", made_by="测试",
                actor_id="U-t", actor_role="乡镇专干", actor_division="431202101", made_at=made, note=None)
    report = load_graph(con, graph, run_id="r2", state=state, service=ServiceStatements.read(graph, reference))
    assert report.mode == INCREMENTAL and report.service_steps_whole
    assert report.rows["Contact 帮扶联系人"] == 6 and report.rows["SourceRecord 源记录"] == 0
    assert report.rows["CONCERNS 三包事件"] == 1
    incremental = _dump(graph)
    assert ("Contact:C1", "RESPONSIBLE_FOR", "Person:P20") in {(r[0], r[1], r[3]) for r in incremental[1]}
    # the same graph as a full load with the same events (officers' nodes kept, the load's rebuilt)
    graph.execute_write(lambda tx: tx.run(
        "MATCH (n) WHERE n:Division OR n:School OR n:Person OR n:SourceRecord OR n:Household OR n:Contact "
        "OR n:Visit OR n:GraphLoad DETACH DELETE n").consume())
    full = load_graph(con, graph, run_id="r3", service=ServiceStatements.read(graph, reference))
    assert full.mode == FULL
    assert _dump(graph) == incremental
    # and with no new events, the next load writes nothing again
    load_graph(con, graph, run_id="r4", state=state, service=ServiceStatements.read(graph, reference))
    quiet = load_graph(con, graph, run_id="r5", state=state, service=ServiceStatements.read(graph, reference))
    assert quiet.mode == INCREMENTAL and not quiet.service_steps_whole and quiet.written == 0
