// Deletes the SourceRecord nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"record_key": "hukou:1"}]}
UNWIND $rows AS row
MATCH (n:SourceRecord {record_key: row.record_key})
DETACH DELETE n
