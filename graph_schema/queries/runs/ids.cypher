// The ids of the runs the graph's ledger knows (run.py: the ledger belongs to this
// workspace when its person-id history names one of them).
MATCH (r:Run)
RETURN r.run_id AS run_id
ORDER BY run_id
