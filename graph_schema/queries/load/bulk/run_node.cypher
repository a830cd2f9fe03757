// The properties of this run's Run node (runs/start), read before the offline importer
// replaces the database and written again after it (load/bulk/run_node_restore), with
// their types (dates, datetimes) as they were.
// @example {"run_id": "example"}
MATCH (r:Run {run_id: $run_id})
RETURN properties(r) AS props
