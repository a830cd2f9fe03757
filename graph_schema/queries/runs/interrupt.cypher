// Marks the Run nodes of runs that never finished (killed, or failed before their end)
// as 中断, so that no run stays "running" for ever; the run calling it (which holds the
// workspace's lock, so no other run is under way) is not one of them.
// @example {"run_id": "example", "at": "2025-10-16T08:00:00Z"}
MATCH (r:Run)
WHERE r.finished_at IS NULL AND r.status IS NULL AND r.run_id <> $run_id
SET r.status = '中断', r.interrupted_at = datetime($at)
RETURN r.run_id AS run_id, toString(r.started_at) AS started_at
ORDER BY run_id
