"""Stable person ids (人员编号): the published ``person_id`` of each cluster, carried
over from run to run.

``person_id`` is opaque: ``P`` + 12 Crockford base32 characters. Records are matched
across runs by their stable ``fingerprint`` (source + natural key, written by
ingest), never by row number. On each run (all set-based in DuckDB, with the history
database ATTACHed to the workspace connection):

1. Every current record looks up the person id its fingerprint had the last time it
   was seen (in the latest run that had it), resolved through recorded merges.
2. overlap(cluster, old id) = the number of the cluster's records that had that id.
3. Each old id goes to its *top* cluster: the one holding most of its records (a
   split keeps the id for the larger part; ties: the larger cluster, then the one
   whose smallest fingerprint sorts first).
4. A cluster that is the top of one old id keeps it. A cluster that is the top of
   several (a merge) keeps the OLDEST of them (first minted; ties by id) and the
   others are recorded in ``person_id_merges`` as merged into it.
5. A cluster that is no old id's top gets a new id: the hash (SHA-256) of its
   smallest fingerprint, salted with an attempt counter when that id was ever minted
   before or another new cluster takes it first (ordered by the smallest fingerprint,
   then its largest; clusters alike in both, which only duplicate rows make, by their
   smallest record key). The first run on a fresh history is thus as
   deterministic as every later one: the same bundle gives the same ids. If the
   cluster holds records of old ids (the smaller part of a split), the lineage goes
   to ``person_id_splits``.

``history.duckdb`` (survives runs; the workspace's linkage.duckdb does not):

- ``runs(run_seq, run_id, recorded_at, records, persons, inherited, new_ids, merges, splits)``
- ``person_ids(person_id, created_run_seq, created_run_id)``: every id ever minted;
- ``person_id_history(fingerprint, person_id, run_id)``: each run's assignment;
- ``person_id_merges(old_person_id, into_person_id, run_id)``;
- ``person_id_splits(from_person_id, new_person_id, run_id)``.

Re-running with the latest ``run_id`` redoes that run (its rows are replaced);
reusing an older ``run_id`` is refused.

This module assigns the ids; the history database's schema and the lookups in it
(``resolve_person_ids``, ``split_homes``) are in id_history.py.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from notoneless.errors import LinkageError
from notoneless.linkage.id_history import HISTORY, HISTORY_SCHEMA, forget_run, resolved_cte

ENTITIES_TABLE = "entities"

# Crockford's base32: no I, L, O, U, so an officer cannot misread an id.
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PREFIX = "P"
ID_LENGTH = 12  # characters after the prefix: 60 bits


@dataclass
class IdReport:
    """What ``assign_person_ids`` did."""

    run_id: str
    previous_run_id: str | None
    records: int
    persons: int
    inherited: int  # persons that kept an id of an earlier run
    new_ids: int
    merges: int  # old ids merged into another (recorded in person_id_merges)
    splits: int  # new ids that took records from an old id (person_id_splits)
    seconds: float = 0.0

    def summary_zh(self) -> str:
        return (
            f"{self.persons:,} 人：沿用编号 {self.inherited:,}，新编号 {self.new_ids:,}，"
            f"合并 {self.merges:,}，拆分 {self.splits:,}"
        )


def _id_sql(bits: str) -> str:
    """SQL: ``P`` + 12 base32 characters of the 60-bit integer column ``bits``. One
    ``substr`` per character, concatenated: a list built per row and joined again
    (``list_transform`` over ``range(12)``) was slower (the id UPDATE of a first run at 1M,
    568k new persons: 0.29 s with the list, 0.17 s with this)."""
    chars = (f"substr('{ID_ALPHABET}', (({bits} >> {55 - 5 * i}) & 31)::INT + 1, 1)" for i in range(ID_LENGTH))
    return f"'{ID_PREFIX}' || " + " || ".join(chars)


def _bits_sql(text_expr: str) -> str:
    """SQL: the first 60 bits of SHA-256(text) as an integer."""
    return f"('0x' || substr(sha256({text_expr}), 1, 15))::UBIGINT"


def person_id_for(fingerprint: str, attempt: int = 0) -> str:
    """The id a new cluster whose smallest fingerprint is ``fingerprint`` gets on its
    ``attempt``-th try: the Python twin of the SQL in ``_id_sql`` (tests check they agree)."""
    text = fingerprint if attempt == 0 else f"{fingerprint}#{attempt}"
    bits = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:15], 16)
    return ID_PREFIX + "".join(ID_ALPHABET[(bits >> (55 - 5 * i)) & 31] for i in range(ID_LENGTH))


def assign_person_ids(con: duckdb.DuckDBPyConnection, *, history_path: Path, run_id: str) -> IdReport:
    """Give every cluster of ``clusters`` a stable person id; write
    ``entities(record_key, person_id)`` and record the run in ``history_path``."""
    started = time.perf_counter()
    if not run_id:
        raise LinkageError("run_id 不能为空：每次运行需要一个编号才能记录人员编号的历史。")
    con.execute("SELECT 1").fetchall()  # finish a caller's unfinished result (DuckDB 2)
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    missing = [t for t in ("clusters", "person_records") if t not in present]
    if missing:
        raise LinkageError(f"分配人员编号需要工作区表 {', '.join(missing)}：请先运行聚类。")

    history_path = Path(history_path)
    history_path.parent.mkdir(parents=True, exist_ok=True)
    path_sql = str(history_path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{path_sql}' AS {HISTORY}")
    except duckdb.Error as e:
        raise LinkageError(
            f"无法打开人员编号历史库 {history_path}（{e}）：请确认没有其他进程正在使用它。"
        ) from e
    try:
        con.execute(HISTORY_SCHEMA)
        return _assign(con, run_id, started)
    finally:
        for t in ("__nol_cur", "__nol_prev", "__nol_cl", "__nol_overlap", "__nol_keep", "__nol_new", "__nol_assign", "__nol_losers"):
            con.execute(f"DROP TABLE IF EXISTS temp.{t}")
        con.execute(f"DETACH {HISTORY}")


def _assign(con: duckdb.DuckDBPyConnection, run_id: str, started: float) -> IdReport:
    runs = con.execute(f"SELECT run_seq, run_id FROM {HISTORY}.runs ORDER BY run_seq").fetchall()
    if runs and run_id in {r for _, r in runs}:
        if runs[-1][1] != run_id:
            raise LinkageError(f"运行编号 {run_id} 已用于更早的一次运行：请为新的运行使用新的编号。")
        forget_run(con, run_id)
        runs = runs[:-1]
    seq = (runs[-1][0] + 1) if runs else 1
    previous = runs[-1][1] if runs else None

    # 1. current records, and the id each fingerprint had when last seen
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __nol_cur AS
        SELECT c.record_key, c.cluster_id, coalesce(p.fingerprint, 'record:' || c.record_key) AS fingerprint,
               p.fingerprint IS NOT NULL AS has_fingerprint
        FROM clusters c JOIN person_records p USING (record_key)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE __nol_prev AS
        WITH RECURSIVE {resolved_cte(f"(SELECT old_person_id AS person_id FROM {HISTORY}.person_id_merges)",
                                      "person_id", f"{HISTORY}.person_id_merges")},
        wanted AS (SELECT DISTINCT fingerprint FROM __nol_cur WHERE has_fingerprint),
        -- most records were in the previous run: one pruned scan of its rows ...
        in_previous AS (
            SELECT h.fingerprint, h.person_id FROM {HISTORY}.person_id_history h
            SEMI JOIN wanted USING (fingerprint)
            WHERE h.run_id = $previous
        ),
        -- ... the few others (new, or absent last time) look further back
        elsewhere AS (
            SELECT h.fingerprint, h.person_id
            FROM {HISTORY}.person_id_history h JOIN {HISTORY}.runs r USING (run_id)
            SEMI JOIN (SELECT fingerprint FROM wanted ANTI JOIN in_previous USING (fingerprint)) f USING (fingerprint)
            QUALIFY r.run_seq = max(r.run_seq) OVER (PARTITION BY h.fingerprint)
        ),
        latest AS (SELECT * FROM in_previous UNION ALL SELECT * FROM elsewhere)
        SELECT DISTINCT l.fingerprint, coalesce(r.person_id, l.person_id) AS person_id
        FROM latest l LEFT JOIN resolved r ON r.start_id = l.person_id
        """,
        {"previous": previous},
    )
    # 2. clusters and their overlap with old ids
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __nol_cl AS
        SELECT cluster_id, count(*) AS size, min(fingerprint) AS min_fp, max(fingerprint) AS max_fp
        FROM __nol_cur GROUP BY cluster_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __nol_overlap AS
        SELECT c.cluster_id, p.person_id, count(*) AS n
        FROM __nol_cur c JOIN __nol_prev p USING (fingerprint)
        GROUP BY c.cluster_id, p.person_id
        """
    )
    # 3 + 4. each old id to its top cluster; each cluster keeps the oldest id it tops
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE __nol_keep AS
        WITH top AS (
            SELECT o.person_id, o.cluster_id
            FROM __nol_overlap o JOIN __nol_cl c USING (cluster_id)
            QUALIFY row_number() OVER (
                PARTITION BY o.person_id
                ORDER BY o.n DESC, c.size DESC, c.min_fp, c.max_fp, c.cluster_id) = 1
        )
        SELECT t.cluster_id, t.person_id,
               row_number() OVER (
                   PARTITION BY t.cluster_id
                   ORDER BY coalesce(i.created_run_seq, 2147483647), t.person_id) = 1 AS kept
        FROM top t LEFT JOIN {HISTORY}.person_ids i USING (person_id)
        """
    )
    # 5. new ids for the other clusters
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __nol_new AS
        SELECT c.cluster_id, c.min_fp, c.max_fp, 0 AS attempt, CAST(NULL AS UBIGINT) AS bits,
               CAST(NULL AS VARCHAR) AS person_id
        FROM __nol_cl c ANTI JOIN (SELECT cluster_id FROM __nol_keep WHERE kept) k USING (cluster_id)
        """
    )
    _mint_new_ids(con)

    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __nol_assign AS
        SELECT cluster_id, person_id, false AS is_new FROM __nol_keep WHERE kept
        UNION ALL
        SELECT cluster_id, person_id, true FROM __nol_new
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {ENTITIES_TABLE} AS
        SELECT c.record_key, a.person_id
        FROM __nol_cur c JOIN __nol_assign a USING (cluster_id)
        """
    )
    records, persons, inherited, new_ids = con.execute(
        """
        SELECT (SELECT count(*) FROM __nol_cur), count(*), count(*) FILTER (WHERE NOT is_new),
               count(*) FILTER (WHERE is_new)
        FROM __nol_assign
        """
    ).fetchall()[0]
    if records != con.execute(f"SELECT count(*) FROM {ENTITIES_TABLE}").fetchall()[0][0]:
        raise LinkageError("人员编号分配不完整：clusters 与 person_records 不一致，请重新运行连接。")

    # The history, in one transaction (DuckDB writes one database per transaction:
    # entities above went to the workspace on their own).
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"""
            INSERT INTO {HISTORY}.person_ids
            SELECT person_id, $seq, $run FROM __nol_new
            """,
            {"seq": seq, "run": run_id},
        )
        con.execute(
            f"""
            INSERT INTO {HISTORY}.person_id_history
            SELECT DISTINCT c.fingerprint, a.person_id, $run
            FROM __nol_cur c JOIN __nol_assign a USING (cluster_id)
            WHERE c.has_fingerprint
            """,
            {"run": run_id},
        )
        con.execute(
            f"""
            INSERT INTO {HISTORY}.person_id_merges
            SELECT m.person_id, k.person_id, $run
            FROM __nol_keep m JOIN __nol_keep k ON k.cluster_id = m.cluster_id AND k.kept
            WHERE NOT m.kept ORDER BY 1
            """,
            {"run": run_id},
        )
        con.execute(
            f"""
            INSERT INTO {HISTORY}.person_id_splits
            SELECT DISTINCT o.person_id, n.person_id, $run
            FROM __nol_new n JOIN __nol_overlap o USING (cluster_id)
            ORDER BY 1, 2
            """,
            {"run": run_id},
        )
        merges, splits = con.execute(
            f"""
            SELECT (SELECT count(*) FROM {HISTORY}.person_id_merges WHERE run_id = $run),
                   (SELECT count(*) FROM {HISTORY}.person_id_splits WHERE run_id = $run)
            """,
            {"run": run_id},
        ).fetchall()[0]
        con.execute(
            f"INSERT INTO {HISTORY}.runs VALUES ($seq, $run, now()::TIMESTAMP, $records, $persons, $inherited, $new, $merges, $splits)",
            {
                "seq": seq, "run": run_id, "records": records, "persons": persons,
                "inherited": inherited, "new": new_ids, "merges": merges, "splits": splits,
            },
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return IdReport(
        run_id=run_id,
        previous_run_id=previous,
        records=int(records),
        persons=int(persons),
        inherited=int(inherited),
        new_ids=int(new_ids),
        merges=int(merges),
        splits=int(splits),
        seconds=time.perf_counter() - started,
    )


def _mint_new_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``__nol_new.person_id``: hash of the smallest fingerprint (plus ``#<attempt>``
    after a collision) until no id was ever minted before or is taken twice."""
    for _ in range(64):
        con.execute(
            f"""
            UPDATE __nol_new SET bits = {_bits_sql("min_fp || CASE WHEN attempt = 0 THEN '' ELSE '#' || attempt END")}
            WHERE person_id IS NULL
            """
        )
        con.execute(f"UPDATE __nol_new SET person_id = {_id_sql('bits')} WHERE person_id IS NULL")
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE __nol_losers AS
            SELECT cluster_id FROM (
                SELECT cluster_id, person_id,
                       row_number() OVER (PARTITION BY person_id ORDER BY min_fp, max_fp, cluster_id) AS rn
                FROM __nol_new
            ) r
            WHERE rn > 1 OR person_id IN (SELECT person_id FROM {HISTORY}.person_ids)
            """
        )
        con.execute(
            """
            UPDATE __nol_new SET person_id = NULL, attempt = attempt + 1
            WHERE cluster_id IN (SELECT cluster_id FROM __nol_losers)
            """
        )
        (left,) = con.execute("SELECT count(*) FROM __nol_new WHERE person_id IS NULL").fetchall()[0]
        if left == 0:
            return
    raise LinkageError("无法生成不重复的人员编号（多次重试仍冲突）：请检查人员编号历史库是否损坏。")
