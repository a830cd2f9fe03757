"""Clustering's twin guard (step 3 of clustering.py): picks in DuckDB the few clusters
that need checking (two or more distinct valid ID numbers, or both records of a
cannot-link pair), hands each to ``guard.split_cluster`` (networkx, in memory) and
rewrites the cluster ids of those it splits. One outcome per checked cluster, so the
incremental second clustering can keep the outcomes of the clusters that did not change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from notoneless.linkage import guard
from notoneless.linkage.cluster_edges import DECIDED_TABLE, EDGES_TABLE
from notoneless.linkage.components import CLUSTERS_TABLE
from notoneless.linkage.guard import GuardConflict, GuardEdge, GuardRecord
from notoneless.linkage.households import RELATIVE_IDS

CHECK_TABLE = "__nol_guard_clusters"
NODES_TABLE = "__nol_guard_nodes"


def ignored_id_keys_sql(con: duckdb.DuckDBPyConnection) -> str:
    """A query of the record keys whose valid ID number the household pass found to be
    a family member's (households.RELATIVE_IDS): the guard treats them as carrying no
    ID number."""
    if not _has_relative_ids(con):
        return "SELECT NULL::VARCHAR AS record_key WHERE false"
    return f"SELECT record_key FROM {RELATIVE_IDS}"


def _has_relative_ids(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [RELATIVE_IDS]
    ).fetchall()[0][0])


def _id_records(con: duckdb.DuckDBPyConnection) -> str:
    """``person_records`` as the guard sees it: a record whose valid ID number the
    household pass found to be a family member's (``ignored_id_keys_sql``) carries no
    ID number, as in the scores."""
    if not _has_relative_ids(con):
        return "person_records"
    return f"""(
        SELECT * REPLACE (
            CASE WHEN r.record_key IS NULL THEN p.id_norm END AS id_norm,
            CASE WHEN r.record_key IS NULL THEN p.id_valid ELSE false END AS id_valid,
            CASE WHEN r.record_key IS NULL THEN p.id_candidates ELSE []::VARCHAR[] END AS id_candidates)
        FROM person_records p LEFT JOIN (SELECT record_key FROM {RELATIVE_IDS}) r USING (record_key))"""


@dataclass(frozen=True, slots=True)
class GuardOutcome:
    """What the guard did to one cluster (``cluster_id``: its id before the guard)."""

    cluster_id: str
    parts: list[list[str]]  # guard.GuardResult.parts: each sorted, ordered by smallest key
    conflicts: list[GuardConflict]
    edges_cut: int

    @property
    def split(self) -> bool:
        return len(self.parts) > 1


def guard_clusters(con: duckdb.DuckDBPyConnection, clusters_table: str = CLUSTERS_TABLE) -> list[GuardOutcome]:
    """Run guard.split_cluster on the clusters of ``clusters_table(record_key,
    cluster_id)`` that need it (every cluster, or the changed ones of the incremental
    second clustering); one outcome per checked cluster, ordered by cluster id. The
    cluster ids are rewritten by ``apply_splits``."""
    records = _id_records(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {CHECK_TABLE} AS
        SELECT c.cluster_id
        FROM {clusters_table} c JOIN {records} p USING (record_key)
        WHERE p.id_valid AND p.id_norm IS NOT NULL
        GROUP BY c.cluster_id HAVING min(p.id_norm) <> max(p.id_norm)
        UNION
        SELECT a.cluster_id
        FROM {DECIDED_TABLE} d
        JOIN {clusters_table} a ON a.record_key = d.record_key_l
        JOIN {clusters_table} b ON b.record_key = d.record_key_r
        WHERE NOT d.must_link AND a.cluster_id = b.cluster_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NODES_TABLE} AS
        SELECT c.record_key, c.cluster_id FROM {clusters_table} c SEMI JOIN {CHECK_TABLE} k USING (cluster_id)
        """
    )
    node_rows = con.execute(
        f"""
        SELECT n.cluster_id, p.record_key, p.id_norm, coalesce(p.id_valid, false),
               coalesce(p.id_candidates, []), p.name_norm, p.source, p.household_key
        FROM {NODES_TABLE} n JOIN {records} p USING (record_key)
        ORDER BY n.cluster_id, p.record_key
        """
    ).fetchall()
    if not node_rows:
        return []
    edge_rows = con.execute(
        f"""
        SELECT a.cluster_id, e.record_key_l, e.record_key_r, e.match_weight,
               e.match_probability, e.must_link
        FROM {EDGES_TABLE} e
        JOIN {NODES_TABLE} a ON a.record_key = e.record_key_l
        JOIN {NODES_TABLE} b ON b.record_key = e.record_key_r
        WHERE a.cluster_id = b.cluster_id
        """
    ).fetchall()
    cannot_rows = con.execute(
        f"""
        SELECT a.cluster_id, d.record_key_l, d.record_key_r
        FROM {DECIDED_TABLE} d
        JOIN {NODES_TABLE} a ON a.record_key = d.record_key_l
        JOIN {NODES_TABLE} b ON b.record_key = d.record_key_r
        WHERE NOT d.must_link AND a.cluster_id = b.cluster_id
        """
    ).fetchall()

    nodes: dict[str, list[GuardRecord]] = defaultdict(list)
    for cid, key, id_norm, id_valid, cands, name, source, household in node_rows:
        nodes[cid].append(GuardRecord(key, id_norm, bool(id_valid), tuple(cands or ()), name, source, household))
    edges: dict[str, list[GuardEdge]] = defaultdict(list)
    for cid, l, r, w, p, must in edge_rows:
        edges[cid].append(GuardEdge(l, r, w, p, bool(must)))
    cannot: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for cid, l, r in cannot_rows:
        cannot[cid].append((l, r))

    outcomes = []
    for cid in sorted(nodes):
        result = guard.split_cluster(nodes[cid], edges.get(cid, ()), cannot.get(cid, ()))
        outcomes.append(GuardOutcome(cid, result.parts, result.conflicts, result.edges_cut))
    return outcomes


def apply_splits(
    con: duckdb.DuckDBPyConnection, outcomes: Iterable[GuardOutcome], clusters_table: str = CLUSTERS_TABLE
) -> None:
    """Give every record of a split cluster its part's id (the part's smallest key)."""
    new_keys: list[str] = []
    new_ids: list[str] = []
    for outcome in outcomes:
        if outcome.split:
            for part in outcome.parts:
                new_keys.extend(part)
                new_ids.extend([part[0]] * len(part))
    if not new_keys:
        return
    con.register("__nol_new_clusters", pa.table({"record_key": new_keys, "cluster_id": new_ids}))
    try:
        con.execute(
            f"""
            UPDATE {clusters_table} SET cluster_id = n.cluster_id
            FROM __nol_new_clusters n WHERE {clusters_table}.record_key = n.record_key
            """
        )
    finally:
        con.unregister("__nol_new_clusters")


def tally(outcomes: Iterable[GuardOutcome]) -> tuple[int, int, int, list[GuardConflict]]:
    """(clusters checked, clusters split, edges cut, conflicts in cluster-id order)."""
    checked = split = cut = 0
    conflicts: list[GuardConflict] = []
    for outcome in sorted(outcomes, key=lambda o: o.cluster_id):
        checked += 1
        split += outcome.split
        cut += outcome.edges_cut
        conflicts.extend(outcome.conflicts)
    return checked, split, cut, conflicts
