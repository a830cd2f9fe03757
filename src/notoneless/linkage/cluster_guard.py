"""Clustering's twin guard (step 3 of clustering.py): picks in DuckDB the few clusters
that need checking (two or more distinct valid ID numbers, or both records of a
cannot-link pair), hands each to ``guard.split_cluster`` (networkx, in memory) and
rewrites the cluster ids of those it splits.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa

from notoneless.linkage import guard
from notoneless.linkage.cluster_edges import DECIDED_TABLE, EDGES_TABLE
from notoneless.linkage.components import CLUSTERS_TABLE
from notoneless.linkage.guard import GuardConflict, GuardEdge, GuardRecord
from notoneless.linkage.households import RELATIVE_IDS

CHECK_TABLE = "__nol_guard_clusters"
NODES_TABLE = "__nol_guard_nodes"


def _id_records(con: duckdb.DuckDBPyConnection) -> str:
    """``person_records`` as the guard sees it: a record whose valid ID number the
    household pass found to be a family member's (households.RELATIVE_IDS) carries no
    ID number, as in the scores."""
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [RELATIVE_IDS]
    ).fetchall()[0][0]
    if not has:
        return "person_records"
    return f"""(
        SELECT * REPLACE (
            CASE WHEN r.record_key IS NULL THEN p.id_norm END AS id_norm,
            CASE WHEN r.record_key IS NULL THEN p.id_valid ELSE false END AS id_valid,
            CASE WHEN r.record_key IS NULL THEN p.id_candidates ELSE []::VARCHAR[] END AS id_candidates)
        FROM person_records p LEFT JOIN (SELECT record_key FROM {RELATIVE_IDS}) r USING (record_key))"""


def guard_clusters(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int, list[GuardConflict]]:
    """Run guard.split_cluster on the clusters that need it; rewrite their
    cluster_ids. Returns (checked, split, edges cut, conflicts)."""
    records = _id_records(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {CHECK_TABLE} AS
        SELECT c.cluster_id
        FROM {CLUSTERS_TABLE} c JOIN {records} p USING (record_key)
        WHERE p.id_valid AND p.id_norm IS NOT NULL
        GROUP BY c.cluster_id HAVING min(p.id_norm) <> max(p.id_norm)
        UNION
        SELECT a.cluster_id
        FROM {DECIDED_TABLE} d
        JOIN {CLUSTERS_TABLE} a ON a.record_key = d.record_key_l
        JOIN {CLUSTERS_TABLE} b ON b.record_key = d.record_key_r
        WHERE NOT d.must_link AND a.cluster_id = b.cluster_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NODES_TABLE} AS
        SELECT c.record_key, c.cluster_id FROM {CLUSTERS_TABLE} c SEMI JOIN {CHECK_TABLE} k USING (cluster_id)
        """
    )
    node_rows = con.execute(
        f"""
        SELECT n.cluster_id, p.record_key, p.id_norm, coalesce(p.id_valid, false),
               coalesce(p.id_candidates, []), p.name_norm
        FROM __nol_guard_nodes n JOIN {records} p USING (record_key)
        ORDER BY n.cluster_id, p.record_key
        """
    ).fetchall()
    if not node_rows:
        return 0, 0, 0, []
    edge_rows = con.execute(
        f"""
        SELECT a.cluster_id, e.record_key_l, e.record_key_r, e.match_weight,
               e.match_probability, e.must_link
        FROM {EDGES_TABLE} e
        JOIN __nol_guard_nodes a ON a.record_key = e.record_key_l
        JOIN __nol_guard_nodes b ON b.record_key = e.record_key_r
        WHERE a.cluster_id = b.cluster_id
        """
    ).fetchall()
    cannot_rows = con.execute(
        f"""
        SELECT a.cluster_id, d.record_key_l, d.record_key_r
        FROM {DECIDED_TABLE} d
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
