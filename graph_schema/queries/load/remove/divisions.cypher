// Deletes the Division nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"code": "431202101001"}]}
UNWIND $rows AS row
MATCH (n:Division {code: row.code})
DETACH DELETE n
