"""Clustering + stable person ids at scale: ~1M synthetic person records and a few
million scored pairs, built in DuckDB; prints the seconds of ``cluster_records`` and
``assign_person_ids`` (first run on a fresh history, then a re-run against it) and
the peak memory of the process (DuckDB runs in-process, so it is included).

    .venv/bin/python benchmarks/clustering_scale.py [--persons 330000] [--workdir DIR]

The data: persons of 1-5 records with valid GB 11643 ID numbers (check digits
computed in SQL), 5% of records without an ID, 2% with a mistyped ID (invalid, the
true number among its repair candidates); 1% of persons have a twin (same region and
birth date, next-but-one sequence number) falsely linked to them by one strong edge,
which the guard must cut; every pair within a person scored 0.99-0.9999; random
pairs across persons scored below the threshold; some pairs in the review band.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
from peak_memory import peak_rss_gib

from notoneless.linkage.clustering import cluster_records
from notoneless.linkage.stable_ids import assign_person_ids

THRESHOLD = 0.95
BAND = (0.5, 0.95)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_digit_sql(body: str) -> str:
    terms = " + ".join(f"substr({body}, {i + 1}, 1)::INT * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr('10X98765432', (({terms}) % 11) + 1, 1)"


def build(con: duckdb.DuckDBPyConnection, persons: int) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE persons AS
        WITH p AS (
            SELECT i AS person,
                   -- twins: persons 2k and 2k+1 for k % 100 = 0 share region and birth date
                   CASE WHEN (i // 2) % 100 = 0 THEN i // 2 * 2 ELSE i END AS anchor,
                   1 + (hash(i) % 5)::INT AS n_records
            FROM range({persons}) t(i)
        )
        SELECT person, n_records,
               -- injective in anchor; twins differ only in the sequence number (by 2)
               (431200 + anchor % 40)::VARCHAR
               || strftime(DATE '2009-01-01' + ((anchor // 40) % 3650)::INT, '%Y%m%d')
               || lpad(((anchor // 146000) * 4 + (person % 2) * 2 + 1)::VARCHAR, 3, '0') AS body,
               i_twin AS twin
        FROM (SELECT *, (person // 2) % 100 = 0 AS i_twin FROM p)
        """
    )
    con.execute("ALTER TABLE persons ADD COLUMN id18 VARCHAR")
    con.execute(f"UPDATE persons SET id18 = body || {check_digit_sql('body')}")
    con.execute(
        """
        CREATE OR REPLACE TABLE person_records AS
        WITH r AS (
            SELECT p.person, p.id18, p.twin, j,
                   row_number() OVER (ORDER BY p.person, j) AS rn
            FROM persons p, range(p.n_records) t(j)
        ),
        k AS (
            SELECT *, ['hukou', 'xueji', 'fupin', 'canlian', 'minzheng', 'zizhu'][1 + j] || ':' || rn AS record_key,
                   hash(rn * 17) % 100 AS dice
            FROM r
        )
        SELECT record_key,
               split_part(record_key, ':', 1) AS source,
               'fp' || rn AS fingerprint,
               CASE WHEN dice < 5 THEN NULL
                    WHEN dice < 7 THEN substr(id18, 1, 10) || ((substr(id18, 11, 1)::INT + 1) % 10)::VARCHAR || substr(id18, 12)
                    ELSE id18 END AS id_norm,
               dice >= 7 AS id_valid,
               CASE WHEN dice >= 5 AND dice < 7 THEN [id18] ELSE []::VARCHAR[] END AS id_candidates,
               '张' || CASE WHEN twin AND person % 2 = 1 THEN '子轩' ELSE '子涵' END || (person % 997)::VARCHAR AS name_norm,
               'zhang' || CASE WHEN twin AND person % 2 = 1 THEN 'zixuan' ELSE 'zihan' END || (person % 997)::VARCHAR AS name_pinyin,
               'zhang' AS surname_pinyin,
               CASE WHEN twin AND person % 2 = 1 THEN 'zixuan' ELSE 'zihan' END AS given_pinyin,
               person
        FROM k
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE predictions AS
        WITH recs AS (SELECT record_key, person, row_number() OVER (ORDER BY record_key) AS n FROM person_records),
        within AS (
            SELECT a.record_key AS record_key_l, b.record_key AS record_key_r,
                   0.99 + (hash(a.record_key || b.record_key) % 99) / 10000.0 AS match_probability
            FROM recs a JOIN recs b ON a.person = b.person AND a.record_key < b.record_key
        ),
        twin_links AS (  -- one strong false link between twins
            SELECT min(a.record_key) AS record_key_l, min(b.record_key) AS record_key_r, 0.999 AS match_probability
            FROM recs a JOIN recs b ON b.person = a.person + 1
            WHERE (a.person // 2) % 100 = 0 AND a.person % 2 = 0
            GROUP BY a.person
        ),
        total AS (SELECT count(*) AS c FROM recs),
        targets AS (
            SELECT a.record_key, a.person, a.n,
                   1 + (a.n * 7919 + 13) % total.c AS t1,
                   1 + (a.n * 104729 + 101) % total.c AS t2
            FROM recs a, total
        ),
        noise AS (
            SELECT a.record_key AS record_key_l, b.record_key AS record_key_r,
                   CASE WHEN a.n % 20 = 0 THEN 0.5 + (a.n % 45) / 100.0 ELSE 0.001 + (a.n % 300) / 1000.0 END
                       AS match_probability
            FROM targets a JOIN recs b ON b.n = a.t1
            WHERE a.person <> b.person
            UNION ALL
            SELECT a.record_key, b.record_key, 0.01
            FROM targets a JOIN recs b ON b.n = a.t2
            WHERE a.person <> b.person
        ),
        allp AS (SELECT * FROM within UNION ALL SELECT * FROM twin_links UNION ALL SELECT * FROM noise)
        SELECT least(record_key_l, record_key_r) AS record_key_l, greatest(record_key_l, record_key_r) AS record_key_r,
               any_value(log2(match_probability / (1 - match_probability))) AS match_weight,
               any_value(match_probability) AS match_probability
        FROM allp GROUP BY 1, 2
        """
    )


def peak_mib() -> float:
    return peak_rss_gib() * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=330_000)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="nol-clustering-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(work / "linkage.duckdb"))
        t = time.perf_counter()
        build(con, args.persons)
        (records, edges) = con.execute(
            "SELECT (SELECT count(*) FROM person_records), (SELECT count(*) FROM predictions)"
        ).fetchall()[0]
        print(f"built {records:,} records, {edges:,} scored pairs in {time.perf_counter() - t:.1f}s "
              f"(peak so far {peak_mib():,.0f} MiB)")

        t, c = time.perf_counter(), time.process_time()
        report = cluster_records(con, threshold_probability=THRESHOLD, review_band=BAND)
        t_cluster, c_cluster = time.perf_counter() - t, time.process_time() - c
        print(f"cluster_records: {t_cluster:.1f}s wall, {c_cluster:.1f}s CPU (all threads)  {report.summary_zh()}")
        print("  stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in report.stage_seconds.items()))
        print(f"  clusters={report.clusters:,} linked_edges={report.edges_linked:,} "
              f"checked={report.clusters_checked:,} split={report.clusters_split:,} cut={report.edges_cut:,} "
              f"conflicts={report.conflicts}")
        (wrong,) = con.execute(
            """
            SELECT count(*) FROM (
                SELECT cluster_id FROM clusters JOIN person_records USING (record_key)
                GROUP BY cluster_id HAVING count(DISTINCT person) > 1)
            """
        ).fetchall()[0]
        (wrong_with_ids,) = con.execute(
            """
            SELECT count(*) FROM (
                SELECT cluster_id FROM clusters JOIN person_records USING (record_key)
                WHERE id_valid
                GROUP BY cluster_id HAVING count(DISTINCT person) > 1)
            """
        ).fetchall()[0]
        print(f"  clusters still mixing two synthetic persons: {wrong:,} "
              f"(of which both with a valid ID number: {wrong_with_ids:,}; the others have no ID evidence)")

        history = work / "history.duckdb"
        t, c = time.perf_counter(), time.process_time()
        ids = assign_person_ids(con, history_path=history, run_id="bench-1")
        t_ids1, c_ids1 = time.perf_counter() - t, time.process_time() - c
        print(f"assign_person_ids (fresh history): {t_ids1:.1f}s wall, {c_ids1:.1f}s CPU  {ids.summary_zh()}")
        t, c = time.perf_counter(), time.process_time()
        ids2 = assign_person_ids(con, history_path=history, run_id="bench-2")
        t_ids2, c_ids2 = time.perf_counter() - t, time.process_time() - c
        print(f"assign_person_ids (against run 1): {t_ids2:.1f}s wall, {c_ids2:.1f}s CPU  {ids2.summary_zh()}")
        # A later bundle: 5% of records changed (fingerprint), removed, or moved
        # between persons (merges, splits); unchanged persons must keep their ids.
        con.execute("CREATE TEMP TABLE before AS SELECT e.record_key, e.person_id, p.fingerprint "
                    "FROM entities e JOIN person_records p USING (record_key)")
        con.execute("CREATE TEMP TABLE touched AS SELECT record_key FROM person_records WHERE hash(record_key || 'x') % 100 < 5")
        con.execute("DELETE FROM person_records WHERE record_key IN (SELECT record_key FROM touched) AND hash(record_key) % 3 = 0")
        con.execute("DELETE FROM clusters WHERE record_key NOT IN (SELECT record_key FROM person_records)")
        con.execute("UPDATE person_records SET fingerprint = fingerprint || '-changed' "
                    "WHERE record_key IN (SELECT record_key FROM touched) AND hash(record_key) % 3 = 1")
        con.execute("UPDATE clusters SET cluster_id = 'moved:' || (hash(record_key) % 5000)::VARCHAR "
                    "WHERE record_key IN (SELECT record_key FROM touched) AND hash(record_key) % 3 = 2")
        t, c = time.perf_counter(), time.process_time()
        ids3 = assign_person_ids(con, history_path=history, run_id="bench-3")
        t_ids3, c_ids3 = time.perf_counter() - t, time.process_time() - c
        print(f"assign_person_ids (5% changed):    {t_ids3:.1f}s wall, {c_ids3:.1f}s CPU  {ids3.summary_zh()}")
        (persons_unchanged, kept) = con.execute(
            """
            WITH hit AS (SELECT DISTINCT b.person_id FROM before b JOIN touched t USING (record_key)),
            unchanged AS (SELECT person_id FROM before GROUP BY person_id
                          HAVING person_id NOT IN (SELECT person_id FROM hit)),
            now AS (SELECT b.person_id AS old_id, bool_and(e.person_id = b.person_id) AS same
                    FROM before b JOIN entities e USING (record_key)
                    WHERE b.person_id IN (SELECT person_id FROM unchanged) GROUP BY 1)
            SELECT count(*), count(*) FILTER (WHERE same) FROM now
            """
        ).fetchall()[0]
        print(f"  unchanged persons keeping their id: {kept:,} of {persons_unchanged:,} "
              f"({kept / max(persons_unchanged, 1):.4%})")
        print(f"total cluster_records + assign_person_ids: {t_cluster + t_ids1:.1f}s; "
              f"peak memory {peak_mib():,.0f} MiB; load average now {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores (other work on the machine slows every figure)")
        con.close()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
