// Deletes a visit's TO a person that changed or is gone (an incremental load, graph/load.py).
// @example {"rows": [{"row_key": "visits:1", "person_id": "P000001"}]}
UNWIND $rows AS row
MATCH (:Visit {key: row.row_key})-[x:TO]->(:Person {person_id: row.person_id})
DELETE x
