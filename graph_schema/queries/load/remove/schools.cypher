// Deletes the School nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"school_id": "3143000001"}]}
UNWIND $rows AS row
MATCH (n:School {school_id: row.school_id})
DETACH DELETE n
