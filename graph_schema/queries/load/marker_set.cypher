// Writes the load marker once every write of a load has committed: the token the
// workspace keeps too (graph_load.duckdb), the run and the mode (full / incremental).
// @example {"token": "example-token", "run_id": "example", "mode": "full", "at": "2025-10-20T08:00:00Z"}
CREATE (m:GraphLoad)
SET m.token = $token, m.run_id = $run_id, m.mode = $mode, m.finished_at = datetime($at)
