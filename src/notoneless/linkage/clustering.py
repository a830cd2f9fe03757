"""Clustering with safeguards: from scored pairs to clusters of records, and the
identity conflicts (身份冲突) officers review.

Writes two workspace tables (docs/workspace.md):

- ``clusters(record_key, cluster_id)``: every row of ``person_records``, singletons
  included; ``cluster_id`` is the smallest record_key of the cluster (an internal
  label: the stable, published id is ``entities.person_id``, stable_ids.py);
- ``identity_conflicts(record_key_l, record_key_r, match_weight, match_probability,
  code, reason)``: one row per pair and code, ``record_key_l < record_key_r``,
  ``reason`` in Chinese. Codes (stable; the review queue of issue 10 keys on them):

  ``GUARD_SPLIT_DIFFERENT_IDS``  an edge cut because its cluster held two valid ID
                                 numbers not one slip apart (twins, namesakes);
  ``TWO_VALID_IDS_ONE_PERSON``   two valid ID numbers one slip apart kept as one person;
  ``SAME_ID_DIFFERENT_NAMES``    one valid ID number on records with clearly different
                                 names (Jaro-Winkler of the pinyin, either name order,
                                 below ``NAME_CLEARLY_DIFFERENT``);
  ``NEAR_THRESHOLD``             a pair scored inside the review band whose outcome
                                 hangs on it (linked by it, or kept apart);
  ``DECISION_CANNOT_LINK``       an edge cut to honour an officer's "different persons";
  ``DECISION_CONFLICT``          officers' decisions that contradict each other.

Steps:

1. Edges = predictions at or above the threshold, minus officers' cannot-link pairs,
   plus officers' must-link pairs (whatever the model said).
2. Connected components with Splink's own ``cluster_pairwise_predictions_at_threshold``
   (in a private in-memory DuckDB, see ``components.connected_components``). Chosen over
   networkx because it is set-based SQL over tables DuckDB already holds: 1M records /
   3M edges in 1.6 s and ~0.6 GB on the idle 2-core machine, where a networkx graph of
   that size costs tens of seconds and several GB in Python objects.
3. In DuckDB, pick the few clusters that need the guard: two or more distinct valid ID
   numbers, or both records of a cannot-link pair. Only those go to networkx
   (guard.py, via cluster_guard.py), which splits them along their weakest edges.

Officers' decisions (issue 10) come in as ``must_link`` / ``cannot_link`` pairs of
record keys; ``record_pairs_for_fingerprints`` turns decisions keyed by the records'
stable fingerprints into such pairs and says which decisions' records vanished.

The steps live beside it: cluster_edges.py (decisions and edges), components.py
(connected components), cluster_guard.py (the twin guard over the picked clusters) and
conflicts.py (the ``identity_conflicts`` table). This module runs them in order and
holds the public entry points: ``cluster_records`` (one clustering) and
``LinkClustering`` (the two clusterings of one link; the second re-clusters only the
components the household pass changed, with the same result).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from notoneless.errors import LinkageError
from notoneless.linkage import guard
from notoneless.linkage.cluster_edges import DECIDED_TABLE, EDGES_TABLE, build_edges, load_decisions
from notoneless.linkage.cluster_guard import (
    CHECK_TABLE,
    NODES_TABLE,
    GuardOutcome,
    apply_splits,
    guard_clusters,
    ignored_id_keys_sql,
    tally,
)
from notoneless.linkage.components import CLUSTERS_TABLE, connected_components
from notoneless.linkage.conflicts import (
    CONFLICTS_TABLE,
    NEAR_THRESHOLD,
    SAME_ID_DIFFERENT_NAMES,
    create_conflicts_table,
    fill_weights_and_dedupe,
    insert_conflicts,
    near_threshold,
    same_id_different_names,
)

# Chinese labels of every conflict code, for the review queue and exports.
CONFLICT_LABELS = {
    guard.GUARD_SPLIT_DIFFERENT_IDS: "不同身份证号被拆开",
    guard.TWO_VALID_IDS_ONE_PERSON: "一人两个有效证件号",
    SAME_ID_DIFFERENT_NAMES: "一号多名",
    NEAR_THRESHOLD: "接近判定阈值",
    guard.DECISION_CANNOT_LINK: "按人工决定拆开",
    guard.DECISION_CONFLICT: "人工决定相互矛盾",
}

@dataclass
class ClusterReport:
    """What ``cluster_records`` did."""

    records: int
    clusters: int
    edges_linked: int  # edges at/above the threshold plus must-links, after cannot-links
    clusters_checked: int  # clusters that went through the guard
    clusters_split: int
    edges_cut: int
    must_link_used: int
    cannot_link_used: int
    # decision pairs naming a record_key that is not in person_records
    unknown_decisions: list[tuple[str, str]] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # edges, changes (incremental runs only), components, guard, conflicts
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # an incremental run (LinkClustering): the records of the components clustered
    # again; None: every record was clustered
    changed_records: int | None = None

    def summary_zh(self) -> str:
        parts = "，".join(f"{CONFLICT_LABELS.get(k, k)} {v:,}" for k, v in sorted(self.conflicts.items()))
        return (
            f"{self.records:,} 条记录聚为 {self.clusters:,} 人；防护检查 {self.clusters_checked:,} 组，"
            f"拆分 {self.clusters_split:,} 组（切断 {self.edges_cut:,} 条连接）；"
            f"身份冲突：{parts or '无'}"
        )


def cluster_records(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold_probability: float,
    review_band: tuple[float, float],
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> ClusterReport:
    """Cluster ``person_records`` using ``predictions`` and write ``clusters`` and
    ``identity_conflicts`` (see the module docstring).

    ``threshold_probability``: a pair at or above it links. ``review_band = (lo, hi)``:
    pairs with ``lo <= match_probability < hi`` are near the threshold (the band may
    lie on either or both sides of it). ``must_link`` / ``cannot_link``: officers'
    decisions as record-key pairs; must-links are unioned and never cut, cannot-links
    are separated by a minimum cut; pairs naming unknown records are returned in
    ``unknown_decisions`` and otherwise ignored.
    """
    with LinkClustering(
        con, threshold_probability=threshold_probability, review_band=review_band,
        must_link=must_link, cannot_link=cannot_link, keep=False,
    ) as clustering:
        return clustering.run()


# What a kept clustering leaves for the next one of the same link (temporary tables).
PREV_EDGES = "__nol_prev_edges"  # EDGES_TABLE as it was
PREV_DECIDED = "__nol_prev_decided"  # DECIDED_TABLE as it was
PREV_COMPONENTS = "__nol_prev_components"  # (record_key, cluster_id): the components before the guard
PREV_IGNORED_IDS = "__nol_prev_ignored_ids"  # (record_key): the guard ignored their ID numbers
SAME_ID_TABLE = "__nol_same_id_conflicts"  # SAME_ID_DIFFERENT_NAMES rows (person_records only)
CHANGED_TABLE = "__nol_changed_records"  # (record_key, previous): records of the changed components
CHANGED_CLUSTERS = "__nol_changed_clusters"  # (record_key, cluster_id) of those, clustered again
_KEPT_TABLES = (PREV_EDGES, PREV_DECIDED, PREV_COMPONENTS, PREV_IGNORED_IDS, SAME_ID_TABLE)


class LinkClustering:
    """The clusterings of one link (scoring.link clusters, lets the household pass
    change some scores and ID numbers, and clusters again). ``run()`` clusters: the
    first time every record; each later time (with ``keep``) only the connected
    components that changed, keeping the last result for all others. Both write the
    same ``clusters`` and ``identity_conflicts`` and return the same report as
    ``cluster_records`` would on the same tables (tests/linkage/test_clustering.py
    compares them on random graphs).

    Why keeping is exact. EDGES_TABLE is compared row by row with the last one; a
    record is *changed* when it is an end of an edge that was removed, or added between
    two of the last run's components, or added, re-weighted or turned into a must-link
    inside a component the guard checked last time; or of an officer's decision that
    was added, removed or flipped; or when the guard now ignores its ID number and did
    not before, or the reverse (``cluster_guard.ignored_id_keys_sql``). The last run's
    components that hold a changed record are clustered again, records and edges among
    them only. No edge leaves that set: an unchanged edge lay inside one last
    component, a changed one has both ends changed. Every other component keeps its
    records, its decisions and its ID numbers, loses no edge and gains none to another
    component: it is a connected component again. The guard checks a component for its
    ID numbers and decisions, so one it did not check is not checked now (an edge added
    or re-weighted inside it counts for nothing), and one it checked has exactly its
    last edges and weights: its guard outcome (guard.split_cluster is a function of
    those) is the last one, and its final cluster ids are still in ``clusters``. NEAR_THRESHOLD reads every scored
    pair and is found again; SAME_ID_DIFFERENT_NAMES reads ``person_records`` only
    and is found once per link. Between two runs ``person_records`` and ``clusters``
    must not be written by anyone else (scoring.link: the household pass reads them).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        threshold_probability: float,
        review_band: tuple[float, float],
        must_link: Iterable[tuple[str, str]] = (),
        cannot_link: Iterable[tuple[str, str]] = (),
        keep: bool = True,
    ) -> None:
        if not 0.0 < threshold_probability <= 1.0:
            raise LinkageError(f"聚类阈值必须在 (0, 1] 之间，收到 {threshold_probability}：请检查连接模型的设置。")
        lo, hi = review_band
        if not 0.0 <= lo <= hi <= 1.0:
            raise LinkageError(f"复核区间必须满足 0 ≤ 下限 ≤ 上限 ≤ 1，收到 {review_band}：请检查连接模型的设置。")
        self.con = con
        self.threshold = threshold_probability
        self.band = (lo, hi)
        # officers' decisions: may be replaced between runs (the components they touch
        # are clustered again)
        self.must_link = list(must_link)
        self.cannot_link = list(cannot_link)
        self.keep = keep
        # the last run's guard outcomes by component id, and its record count; None:
        # nothing kept (the next run clusters every record)
        self._outcomes: dict[str, GuardOutcome] | None = None
        self._records = 0

    def __enter__(self) -> LinkClustering:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop what was kept (the next run clusters every record)."""
        if self.keep:
            for table in _KEPT_TABLES:
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
        self._outcomes = None

    def run(self) -> ClusterReport:
        """Cluster and write ``clusters`` and ``identity_conflicts``; see the class."""
        con = self.con
        started = time.perf_counter()
        # DuckDB 2 refuses con.sql() (which Splink uses) while an earlier execute() result
        # is unfinished; a caller's fetchone() leaves one. Finish it.
        con.execute("SELECT 1").fetchall()
        _require_tables(con)
        records, distinct_keys = con.execute(
            "SELECT count(*), count(DISTINCT record_key) FROM person_records"
        ).fetchall()[0]
        if distinct_keys != records:
            raise LinkageError("person_records 中有重复的 record_key：请重新运行读取步骤（ingest）。")

        stages: dict[str, float] = {}
        t = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal t
            now = time.perf_counter()
            stages[stage] = now - t
            t = now

        unknown = load_decisions(con, self.must_link, self.cannot_link)
        build_edges(con, self.threshold)
        lap("edges")
        incremental = self._outcomes is not None and self._records == records
        if incremental:
            changed = self._changed_records()
            lap("changes")
            self._components_of_changed(changed)
            lap("components")
            outcomes = self._guard_changed()
        else:
            changed = None
            connected_components(con)
            if self.keep:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {PREV_COMPONENTS} AS SELECT * FROM {CLUSTERS_TABLE}")
            lap("components")
            outcomes = {o.cluster_id: o for o in guard_clusters(con)}
            apply_splits(con, outcomes.values())
        lap("guard")
        checked, split, cut, guard_conflicts = tally(outcomes.values())

        create_conflicts_table(con)
        if guard_conflicts:
            insert_conflicts(con, guard_conflicts)
        near_threshold(con, self.threshold, *self.band)
        if not self.keep:
            same_id_different_names(con)
        else:
            if not incremental:
                create_conflicts_table(con, SAME_ID_TABLE, temporary=True)
                same_id_different_names(con, into=SAME_ID_TABLE)
            con.execute(f"INSERT INTO {CONFLICTS_TABLE} SELECT * FROM {SAME_ID_TABLE}")
        fill_weights_and_dedupe(con)
        lap("conflicts")

        (n_clusters,) = con.execute(f"SELECT count(DISTINCT cluster_id) FROM {CLUSTERS_TABLE}").fetchall()[0]
        (n_edges,) = con.execute(f"SELECT count(*) FROM {EDGES_TABLE}").fetchall()[0]
        must_used, cannot_used = con.execute(
            f"SELECT count(*) FILTER (WHERE must_link), count(*) FILTER (WHERE NOT must_link) FROM {DECIDED_TABLE}"
        ).fetchall()[0]
        conflicts = dict(
            con.execute(f"SELECT code, count(*) FROM {CONFLICTS_TABLE} GROUP BY code ORDER BY code").fetchall()
        )
        for table in (CHECK_TABLE, NODES_TABLE, CHANGED_TABLE, CHANGED_CLUSTERS):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        if self.keep:
            self._remember(outcomes, int(records))
        else:
            for table in (EDGES_TABLE, DECIDED_TABLE):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        return ClusterReport(
            records=int(records),
            clusters=int(n_clusters),
            edges_linked=int(n_edges),
            clusters_checked=checked,
            clusters_split=split,
            edges_cut=cut,
            must_link_used=int(must_used),
            cannot_link_used=int(cannot_used),
            unknown_decisions=unknown,
            conflicts={k: int(v) for k, v in conflicts.items()},
            seconds=time.perf_counter() - started,
            stage_seconds=stages,
            changed_records=changed,
        )

    def _changed_records(self) -> int:
        """``CHANGED_TABLE``: the records of the last run's components that hold a
        changed record (see the class). Returns their number."""
        con = self.con
        assert self._outcomes is not None
        con.register("__nol_guarded", pa.table({"cluster_id": pa.array(sorted(self._outcomes), pa.string())}))
        try:
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE {CHANGED_TABLE} AS
                WITH edges_diff AS (  -- added, removed, or another weight or decision
                    SELECT coalesce(n.record_key_l, o.record_key_l) AS l, coalesce(n.record_key_r, o.record_key_r) AS r,
                           n.record_key_l IS NULL AS removed
                    FROM {EDGES_TABLE} n FULL OUTER JOIN {PREV_EDGES} o
                      ON n.record_key_l = o.record_key_l AND n.record_key_r = o.record_key_r
                    WHERE n.record_key_l IS NULL OR o.record_key_l IS NULL
                       OR n.must_link IS DISTINCT FROM o.must_link
                       OR n.match_weight IS DISTINCT FROM o.match_weight
                       OR n.match_probability IS DISTINCT FROM o.match_probability
                ),
                edges_changed AS (  -- removed, joining two components, or where the guard weighed it
                    SELECT d.l, d.r FROM edges_diff d
                    JOIN {PREV_COMPONENTS} a ON a.record_key = d.l
                    JOIN {PREV_COMPONENTS} b ON b.record_key = d.r
                    WHERE d.removed OR a.cluster_id <> b.cluster_id
                       OR a.cluster_id IN (SELECT cluster_id FROM __nol_guarded)
                ),
                decisions_changed AS (
                    (SELECT * FROM {DECIDED_TABLE} EXCEPT SELECT * FROM {PREV_DECIDED})
                    UNION ALL
                    (SELECT * FROM {PREV_DECIDED} EXCEPT SELECT * FROM {DECIDED_TABLE})
                ),
                ignored AS ({ignored_id_keys_sql(con)}),
                ids_changed AS (
                    (SELECT record_key FROM ignored EXCEPT SELECT record_key FROM {PREV_IGNORED_IDS})
                    UNION ALL
                    (SELECT record_key FROM {PREV_IGNORED_IDS} EXCEPT SELECT record_key FROM ignored)
                ),
                changed AS (
                    SELECT l AS record_key FROM edges_changed UNION SELECT r FROM edges_changed
                    UNION SELECT record_key_l FROM decisions_changed UNION SELECT record_key_r FROM decisions_changed
                    UNION SELECT record_key FROM ids_changed
                ),
                components AS (SELECT DISTINCT p.cluster_id FROM {PREV_COMPONENTS} p SEMI JOIN changed USING (record_key))
                SELECT p.record_key, p.cluster_id AS previous FROM {PREV_COMPONENTS} p SEMI JOIN components USING (cluster_id)
                """
            )
        finally:
            con.unregister("__nol_guarded")
        (n,) = con.execute(f"SELECT count(*) FROM {CHANGED_TABLE}").fetchall()[0]
        return int(n)

    def _components_of_changed(self, changed: int) -> None:
        """``CHANGED_CLUSTERS``: the connected components of ``CHANGED_TABLE``'s records
        (the edges among them); also written into ``PREV_COMPONENTS``."""
        con = self.con
        if changed:
            connected_components(
                con,
                nodes_sql=f"SELECT record_key FROM {CHANGED_TABLE}",
                edges_sql=f"""
                    SELECT e.record_key_l, e.record_key_r FROM {EDGES_TABLE} e
                    SEMI JOIN {CHANGED_TABLE} c ON c.record_key = e.record_key_l""",
                into=CHANGED_CLUSTERS,
                temporary=True,
            )
        else:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {CHANGED_CLUSTERS} (record_key VARCHAR, cluster_id VARCHAR)")
        con.execute(
            f"""
            UPDATE {PREV_COMPONENTS} SET cluster_id = c.cluster_id
            FROM {CHANGED_CLUSTERS} c WHERE {PREV_COMPONENTS}.record_key = c.record_key
            """
        )

    def _guard_changed(self) -> dict[str, GuardOutcome]:
        """The guard over ``CHANGED_CLUSTERS``; their final cluster ids written into
        ``clusters``. Returns the guard outcomes of every component: the last run's
        for the unchanged ones, the new ones for the rest."""
        con = self.con
        assert self._outcomes is not None
        gone = {r[0] for r in con.execute(f"SELECT DISTINCT previous FROM {CHANGED_TABLE}").fetchall()}
        outcomes = {cid: o for cid, o in self._outcomes.items() if cid not in gone}
        fresh = guard_clusters(con, clusters_table=CHANGED_CLUSTERS)
        apply_splits(con, fresh, clusters_table=CHANGED_CLUSTERS)
        outcomes.update((o.cluster_id, o) for o in fresh)
        con.execute(
            f"""
            UPDATE {CLUSTERS_TABLE} SET cluster_id = c.cluster_id
            FROM {CHANGED_CLUSTERS} c WHERE {CLUSTERS_TABLE}.record_key = c.record_key
            """
        )
        return outcomes

    def _remember(self, outcomes: dict[str, GuardOutcome], records: int) -> None:
        """Keep this run's edges, decisions and ignored ID numbers for the next run to
        compare with (its components are in ``PREV_COMPONENTS`` already)."""
        con = self.con
        for kept, table in ((PREV_EDGES, EDGES_TABLE), (PREV_DECIDED, DECIDED_TABLE)):
            con.execute(f"DROP TABLE IF EXISTS {kept}")
            con.execute(f"ALTER TABLE {table} RENAME TO {kept}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {PREV_IGNORED_IDS} AS {ignored_id_keys_sql(con)}")
        self._outcomes = outcomes
        self._records = records


def record_pairs_for_fingerprints(
    con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Officers' decisions are keyed by the records' stable fingerprints (issue 10).
    Returns ``(record_key pairs, vanished)``: every pair of current records carrying
    the two fingerprints (a fingerprint shared by duplicate rows gives several), and
    the decision pairs one of whose fingerprints no current record carries (to be
    reported, not silently dropped)."""
    by_pair = record_pairs_by_fingerprints(con, pairs)
    found = [kp for kps in by_pair.values() for kp in kps or ()]
    vanished = [fp for fp, kps in by_pair.items() if kps is None]
    return found, vanished


def record_pairs_by_fingerprints(
    con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], list[tuple[str, str]] | None]:
    """Each fingerprint pair (sorted order of ``pairs`` kept) → the pairs of current
    record keys carrying it, or None when one of its fingerprints no current record
    carries (the decision's records vanished). One set-based query."""
    wanted = sorted({(a, b) for a, b in pairs if a != b})
    if not wanted:
        return {}
    con.register(
        "__nol_fp_pairs",
        pa.table({"fp_a": [a for a, _ in wanted], "fp_b": [b for _, b in wanted]}),
    )
    try:
        rows = con.execute(
            """
            SELECT d.fp_a, d.fp_b, a.record_key, b.record_key
            FROM __nol_fp_pairs d
            LEFT JOIN person_records a ON a.fingerprint = d.fp_a
            LEFT JOIN person_records b ON b.fingerprint = d.fp_b
            ORDER BY 1, 2, 3, 4
            """
        ).fetchall()
    finally:
        con.unregister("__nol_fp_pairs")
    result: dict[tuple[str, str], list[tuple[str, str]] | None] = {}
    for fa, fb, ka, kb in rows:  # a missing fingerprint makes every row of its pair NULL on that side
        if ka is None or kb is None:
            result[(fa, fb)] = None
            continue
        found = result.setdefault((fa, fb), [])
        if found is not None and ka != kb:
            found.append((ka, kb))
    return result


def _require_tables(con: duckdb.DuckDBPyConnection) -> None:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
    missing = [t for t in ("person_records", "predictions") if t not in present]
    if missing:
        raise LinkageError(f"聚类需要工作区表 {', '.join(missing)}：请先运行读取与打分步骤。")
