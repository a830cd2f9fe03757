// Deletes the Person nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"person_id": "P000001"}]}
UNWIND $rows AS row
MATCH (n:Person {person_id: row.person_id})
DETACH DELETE n
