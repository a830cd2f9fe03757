// Deletes the Visit nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"key": "visits:1"}]}
UNWIND $rows AS row
MATCH (n:Visit {key: row.key})
DETACH DELETE n
