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
   (in a private in-memory DuckDB, see ``_connected_components``). Chosen over
   networkx because it is set-based SQL over tables DuckDB already holds: 1M records /
   3M edges in 1.6 s and ~0.6 GB on the idle 2-core machine, where a networkx graph of
   that size costs tens of seconds and several GB in Python objects.
3. In DuckDB, pick the few clusters that need the guard: two or more distinct valid ID
   numbers, or both records of a cannot-link pair. Only those go to networkx
   (guard.py), which splits them along their weakest edges.

Officers' decisions (issue 10) come in as ``must_link`` / ``cannot_link`` pairs of
record keys; ``record_pairs_for_fingerprints`` turns decisions keyed by the records'
stable fingerprints into such pairs and says which decisions' records vanished.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from notoneless.errors import LinkageError
from notoneless.linkage import guard
from notoneless.linkage.guard import GuardConflict, GuardEdge, GuardRecord

NEAR_THRESHOLD = "NEAR_THRESHOLD"
SAME_ID_DIFFERENT_NAMES = "SAME_ID_DIFFERENT_NAMES"

# Chinese labels of every conflict code, for the review queue and exports.
CONFLICT_LABELS = {
    guard.GUARD_SPLIT_DIFFERENT_IDS: "不同身份证号被拆开",
    guard.TWO_VALID_IDS_ONE_PERSON: "一人两个有效证件号",
    SAME_ID_DIFFERENT_NAMES: "一号多名",
    NEAR_THRESHOLD: "接近判定阈值",
    guard.DECISION_CANNOT_LINK: "按人工决定拆开",
    guard.DECISION_CONFLICT: "人工决定相互矛盾",
}

# Two names on one ID number are "clearly different" below this Jaro-Winkler
# similarity of their pinyin (in both name orders): 张伟/章伟 (same pinyin) and
# 王芳/王芳芳 stay quiet, 王芳/李强 is reported.
NAME_CLEARLY_DIFFERENT = 0.8

CLUSTERS_TABLE = "clusters"
CONFLICTS_TABLE = "identity_conflicts"

_EDGES = "__nol_cluster_edges"
_DECIDED = "__nol_decided_pairs"
_CHECK = "__nol_guard_clusters"


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
    # edges, components, guard, conflicts
    stage_seconds: dict[str, float] = field(default_factory=dict)

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
    started = time.perf_counter()
    if not 0.0 < threshold_probability <= 1.0:
        raise LinkageError(f"聚类阈值必须在 (0, 1] 之间，收到 {threshold_probability}：请检查连接模型的设置。")
    lo, hi = review_band
    if not 0.0 <= lo <= hi <= 1.0:
        raise LinkageError(f"复核区间必须满足 0 ≤ 下限 ≤ 上限 ≤ 1，收到 {review_band}：请检查连接模型的设置。")
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

    unknown = _load_decisions(con, must_link, cannot_link)
    _build_edges(con, threshold_probability)
    lap("edges")
    _connected_components(con)
    lap("components")
    checked, split, cut, guard_conflicts = _guard(con)
    lap("guard")

    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CONFLICTS_TABLE} (
            record_key_l VARCHAR, record_key_r VARCHAR, match_weight DOUBLE,
            match_probability DOUBLE, code VARCHAR, reason VARCHAR)
        """
    )
    if guard_conflicts:
        _insert_conflicts(con, guard_conflicts)
    _near_threshold(con, threshold_probability, lo, hi)
    _same_id_different_names(con)
    _fill_weights_and_dedupe(con)
    lap("conflicts")

    (n_clusters,) = con.execute(f"SELECT count(DISTINCT cluster_id) FROM {CLUSTERS_TABLE}").fetchall()[0]
    (n_edges,) = con.execute(f"SELECT count(*) FROM {_EDGES}").fetchall()[0]
    must_used, cannot_used = con.execute(
        f"SELECT count(*) FILTER (WHERE must_link), count(*) FILTER (WHERE NOT must_link) FROM {_DECIDED}"
    ).fetchall()[0]
    conflicts = dict(
        con.execute(f"SELECT code, count(*) FROM {CONFLICTS_TABLE} GROUP BY code ORDER BY code").fetchall()
    )
    for table in (_EDGES, _DECIDED, _CHECK, "__nol_guard_nodes"):
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
    )


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


# --- steps ---------------------------------------------------------------------


def _require_tables(con: duckdb.DuckDBPyConnection) -> None:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
    missing = [t for t in ("person_records", "predictions") if t not in present]
    if missing:
        raise LinkageError(f"聚类需要工作区表 {', '.join(missing)}：请先运行读取与打分步骤。")


def _load_decisions(
    con: duckdb.DuckDBPyConnection,
    must_link: Iterable[tuple[str, str]],
    cannot_link: Iterable[tuple[str, str]],
) -> list[tuple[str, str]]:
    """``_DECIDED(record_key_l, record_key_r, must_link)`` with l < r, known records
    only; returns the pairs naming unknown records."""
    # A pair may be both (contradicting decisions): the must-link wins and
    # guard.py reports DECISION_CONFLICT.
    rows = sorted(
        {(min(a, b), max(a, b), flag) for flag, pairs in ((False, cannot_link), (True, must_link)) for a, b in pairs if a != b}
    )
    table = pa.table(
        {
            "record_key_l": pa.array([r[0] for r in rows], pa.string()),
            "record_key_r": pa.array([r[1] for r in rows], pa.string()),
            "must_link": pa.array([r[2] for r in rows], pa.bool_()),
        }
    )
    con.register("__nol_decisions_in", table)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_DECIDED} AS
            SELECT d.* FROM __nol_decisions_in d
            WHERE d.record_key_l IN (SELECT record_key FROM person_records)
              AND d.record_key_r IN (SELECT record_key FROM person_records)
            """
        )
        unknown = con.execute(
            f"""
            SELECT DISTINCT record_key_l, record_key_r FROM __nol_decisions_in
            EXCEPT SELECT record_key_l, record_key_r FROM {_DECIDED}
            ORDER BY 1, 2
            """
        ).fetchall()
    finally:
        con.unregister("__nol_decisions_in")
    return [(a, b) for a, b in unknown]


def _build_edges(con: duckdb.DuckDBPyConnection, threshold: float) -> None:
    """``_EDGES``: links above the threshold, officers' cannot-links removed,
    must-links added (weight NULL = uncuttable), both ends in person_records."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_EDGES} AS
        WITH scored AS (
            SELECT least(record_key_l, record_key_r) AS record_key_l,
                   greatest(record_key_l, record_key_r) AS record_key_r,
                   match_weight, match_probability, false AS must_link
            FROM predictions
            WHERE match_probability >= $threshold AND record_key_l <> record_key_r
        ),
        kept AS (
            SELECT s.* FROM scored s
            ANTI JOIN {_DECIDED} d
              ON d.record_key_l = s.record_key_l AND d.record_key_r = s.record_key_r
        ),
        linked AS (
            SELECT * FROM kept
            WHERE record_key_l IN (SELECT record_key FROM person_records)
              AND record_key_r IN (SELECT record_key FROM person_records)
            UNION ALL
            SELECT record_key_l, record_key_r, NULL, 1.0, true FROM {_DECIDED} WHERE must_link
        )
        SELECT record_key_l, record_key_r,
               max(match_weight) AS match_weight,
               max(match_probability) AS match_probability,
               bool_or(must_link) AS must_link
        FROM linked GROUP BY record_key_l, record_key_r
        """,
        {"threshold": threshold},
    )


def _connected_components(con: duckdb.DuckDBPyConnection) -> None:
    """``clusters`` from ``_EDGES`` with Splink's connected components, run on a
    private in-memory DuckDB: Splink materialises every iteration as a table, which
    in the file-backed workspace costs about three times as long (measured at 1M
    records); moving the two key columns there and back through Arrow is cheap."""
    nodes = con.sql("SELECT record_key FROM person_records").to_arrow_table()
    edges = con.sql(f"SELECT record_key_l, record_key_r FROM {_EDGES}").to_arrow_table()
    mem = duckdb.connect(":memory:")
    try:
        mem.register("nodes_in", nodes)
        mem.register("edges_in", edges)
        mem.execute("CREATE TABLE nodes AS SELECT * FROM nodes_in")
        mem.execute("CREATE TABLE edges AS SELECT * FROM edges_in")
        mem.unregister("nodes_in")
        mem.unregister("edges_in")
        del nodes, edges
        cc = cluster_pairwise_predictions_at_threshold(
            nodes="nodes",
            edges="edges",
            db_api=DuckDBAPI(connection=mem),
            node_id_column_name="record_key",
            edge_id_column_name_left="record_key_l",
            edge_id_column_name_right="record_key_r",
            threshold_match_probability=None,  # _EDGES holds only the links
        )
        result = mem.sql(f"SELECT record_key, cluster_id FROM {cc.physical_name}").to_arrow_table()
    finally:
        mem.close()
    con.register("__nol_cc", result)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {CLUSTERS_TABLE} AS SELECT record_key, cluster_id FROM __nol_cc")
    finally:
        con.unregister("__nol_cc")


def _guard(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int, list[GuardConflict]]:
    """Run guard.split_cluster on the clusters that need it; rewrite their
    cluster_ids. Returns (checked, split, edges cut, conflicts)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_CHECK} AS
        SELECT c.cluster_id
        FROM {CLUSTERS_TABLE} c JOIN person_records p USING (record_key)
        WHERE p.id_valid AND p.id_norm IS NOT NULL
        GROUP BY c.cluster_id HAVING min(p.id_norm) <> max(p.id_norm)
        UNION
        SELECT a.cluster_id
        FROM {_DECIDED} d
        JOIN {CLUSTERS_TABLE} a ON a.record_key = d.record_key_l
        JOIN {CLUSTERS_TABLE} b ON b.record_key = d.record_key_r
        WHERE NOT d.must_link AND a.cluster_id = b.cluster_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE __nol_guard_nodes AS
        SELECT c.record_key, c.cluster_id FROM {CLUSTERS_TABLE} c SEMI JOIN {_CHECK} k USING (cluster_id)
        """
    )
    node_rows = con.execute(
        """
        SELECT n.cluster_id, p.record_key, p.id_norm, coalesce(p.id_valid, false),
               coalesce(p.id_candidates, []), p.name_norm
        FROM __nol_guard_nodes n JOIN person_records p USING (record_key)
        ORDER BY n.cluster_id, p.record_key
        """
    ).fetchall()
    if not node_rows:
        return 0, 0, 0, []
    edge_rows = con.execute(
        f"""
        SELECT a.cluster_id, e.record_key_l, e.record_key_r, e.match_weight,
               e.match_probability, e.must_link
        FROM {_EDGES} e
        JOIN __nol_guard_nodes a ON a.record_key = e.record_key_l
        JOIN __nol_guard_nodes b ON b.record_key = e.record_key_r
        WHERE a.cluster_id = b.cluster_id
        """
    ).fetchall()
    cannot_rows = con.execute(
        f"""
        SELECT a.cluster_id, d.record_key_l, d.record_key_r
        FROM {_DECIDED} d
        JOIN {CLUSTERS_TABLE} a ON a.record_key = d.record_key_l
        JOIN {CLUSTERS_TABLE} b ON b.record_key = d.record_key_r
        WHERE NOT d.must_link AND a.cluster_id = b.cluster_id
        """
    ).fetchall()

    nodes: dict[str, list[GuardRecord]] = defaultdict(list)
    for cid, key, id_norm, id_valid, cands, name in node_rows:
        nodes[cid].append(GuardRecord(key, id_norm, bool(id_valid), tuple(cands or ()), name))
    edges: dict[str, list[GuardEdge]] = defaultdict(list)
    for cid, l, r, w, p, must in edge_rows:
        edges[cid].append(GuardEdge(l, r, w, p, bool(must)))
    cannot: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for cid, l, r in cannot_rows:
        cannot[cid].append((l, r))

    new_keys: list[str] = []
    new_ids: list[str] = []
    conflicts: list[GuardConflict] = []
    split = cut = 0
    for cid in sorted(nodes):
        result = guard.split_cluster(nodes[cid], edges.get(cid, ()), cannot.get(cid, ()))
        conflicts.extend(result.conflicts)
        cut += result.edges_cut
        if len(result.parts) > 1:
            split += 1
            for part in result.parts:
                for key in part:
                    new_keys.append(key)
                    new_ids.append(part[0])
    if new_keys:
        con.register("__nol_new_clusters", pa.table({"record_key": new_keys, "cluster_id": new_ids}))
        try:
            con.execute(
                f"""
                UPDATE {CLUSTERS_TABLE} SET cluster_id = n.cluster_id
                FROM __nol_new_clusters n WHERE {CLUSTERS_TABLE}.record_key = n.record_key
                """
            )
        finally:
            con.unregister("__nol_new_clusters")
    return len(nodes), split, cut, conflicts


def _insert_conflicts(con: duckdb.DuckDBPyConnection, rows: list[GuardConflict]) -> None:
    table = pa.table(
        {
            "record_key_l": pa.array([c.record_key_l for c in rows], pa.string()),
            "record_key_r": pa.array([c.record_key_r for c in rows], pa.string()),
            "match_weight": pa.array([c.match_weight for c in rows], pa.float64()),
            "match_probability": pa.array([c.match_probability for c in rows], pa.float64()),
            "code": pa.array([c.code for c in rows], pa.string()),
            "reason": pa.array([c.reason for c in rows], pa.string()),
        }
    )
    con.register("__nol_conflicts_in", table)
    try:
        con.execute(f"INSERT INTO {CONFLICTS_TABLE} SELECT * FROM __nol_conflicts_in")
    finally:
        con.unregister("__nol_conflicts_in")


def _near_threshold(con: duckdb.DuckDBPyConnection, threshold: float, lo: float, hi: float) -> None:
    """Pairs in [lo, hi) whose outcome hangs on them: linked by a weak edge (above the
    threshold), or scored just below it and left in different clusters. Decided pairs
    and edges the guard cut (reported already) are left out."""
    if hi <= lo:
        return
    con.execute(
        f"""
        INSERT INTO {CONFLICTS_TABLE}
        WITH band AS (
            SELECT least(record_key_l, record_key_r) AS l, greatest(record_key_l, record_key_r) AS r,
                   match_weight, match_probability
            FROM predictions
            WHERE match_probability >= $lo AND match_probability < $hi
              AND record_key_l <> record_key_r
        )
        SELECT b.l, b.r, b.match_weight, b.match_probability, '{NEAR_THRESHOLD}',
               CASE WHEN b.match_probability >= $t
                    THEN printf('模型判为同一人，但匹配概率 %.3f 接近判定阈值 %.3f，把握不大，请核实是否同一人。',
                                b.match_probability, $t)
                    ELSE printf('模型判为不同人，但匹配概率 %.3f 接近判定阈值 %.3f，请核实是否同一人。',
                                b.match_probability, $t)
               END
        FROM band b
        JOIN {CLUSTERS_TABLE} cl ON cl.record_key = b.l
        JOIN {CLUSTERS_TABLE} cr ON cr.record_key = b.r
        ANTI JOIN {_DECIDED} d ON d.record_key_l = b.l AND d.record_key_r = b.r
        WHERE (b.match_probability >= $t AND cl.cluster_id = cr.cluster_id)
           OR (b.match_probability < $t AND cl.cluster_id <> cr.cluster_id)
        """,
        {"lo": lo, "hi": hi, "t": threshold},
    )


def _same_id_different_names(con: duckdb.DuckDBPyConnection) -> None:
    """One valid ID number on records whose names are clearly different: the first
    record (smallest key) of each name, paired within the number."""
    con.execute(
        f"""
        INSERT INTO {CONFLICTS_TABLE}
        WITH names AS (
            SELECT id_norm, name_norm, min(record_key) AS record_key,
                   min(coalesce(name_pinyin, name_norm)) AS py,
                   min(coalesce(given_pinyin || surname_pinyin, name_pinyin, name_norm)) AS py_swapped
            FROM person_records
            WHERE id_valid AND id_norm IS NOT NULL AND name_norm IS NOT NULL AND name_norm <> ''
            GROUP BY id_norm, name_norm
        ),
        shared AS (SELECT id_norm FROM names GROUP BY id_norm HAVING count(*) > 1)
        SELECT least(a.record_key, b.record_key), greatest(a.record_key, b.record_key), NULL, NULL,
               '{SAME_ID_DIFFERENT_NAMES}',
               printf('同一身份证号 %s 对应明显不同的姓名（%s 与 %s），可能借用或错填了他人的证件号，请核实。',
                      a.id_norm, a.name_norm, b.name_norm)
        FROM names a
        JOIN names b ON a.id_norm = b.id_norm AND a.name_norm < b.name_norm
        WHERE a.id_norm IN (SELECT id_norm FROM shared)
          AND jaro_winkler_similarity(a.py, b.py) < $limit
          AND jaro_winkler_similarity(a.py_swapped, b.py) < $limit
          AND jaro_winkler_similarity(a.py, b.py_swapped) < $limit
        """,
        {"limit": NAME_CLEARLY_DIFFERENT},
    )


def _fill_weights_and_dedupe(con: duckdb.DuckDBPyConnection) -> None:
    """Conflicts found without a score take the pair's score where the model made
    one; one row per (pair, code)."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {CONFLICTS_TABLE} AS
        WITH unscored AS (
            SELECT DISTINCT record_key_l AS l, record_key_r AS r
            FROM {CONFLICTS_TABLE} WHERE match_weight IS NULL
        ),
        both_ways AS (  -- two equi-joins: an OR condition would be a nested loop
            SELECT u.l, u.r, p.match_weight, p.match_probability
            FROM unscored u JOIN predictions p ON p.record_key_l = u.l AND p.record_key_r = u.r
            UNION ALL
            SELECT u.l, u.r, p.match_weight, p.match_probability
            FROM unscored u JOIN predictions p ON p.record_key_l = u.r AND p.record_key_r = u.l
        ),
        scored AS (
            SELECT l, r, max(match_weight) AS match_weight, max(match_probability) AS match_probability
            FROM both_ways GROUP BY l, r
        )
        SELECT c.record_key_l, c.record_key_r,
               coalesce(c.match_weight, s.match_weight) AS match_weight,
               coalesce(c.match_probability, s.match_probability) AS match_probability,
               c.code, min(c.reason) AS reason
        FROM {CONFLICTS_TABLE} c
        LEFT JOIN scored s ON s.l = c.record_key_l AND s.r = c.record_key_r
        GROUP BY ALL
        ORDER BY c.code, c.record_key_l, c.record_key_r
        """
    )

