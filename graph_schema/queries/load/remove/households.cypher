// Deletes the Household nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"key": "hukou:4312020001"}]}
UNWIND $rows AS row
MATCH (n:Household {key: row.key})
DETACH DELETE n
