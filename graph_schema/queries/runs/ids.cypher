// The ids of the runs the graph's ledger knows, and whether each finished (run.py: the
// ledger belongs to this workspace when its person-id history names one of them;
// backup.restore_history: an archive's history must name every finished one).
MATCH (r:Run)
RETURN r.run_id AS run_id, r.finished_at IS NOT NULL AS finished
ORDER BY run_id
