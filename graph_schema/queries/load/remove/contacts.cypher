// Deletes the Contact nodes of keys the load no longer holds (an incremental load's
// removed keys, graph/load.py), with their relationships.
// @example {"rows": [{"contact_id": "C0001"}]}
UNWIND $rows AS row
MATCH (n:Contact {contact_id: row.contact_id})
DETACH DELETE n
