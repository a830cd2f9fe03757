// Deletes the RESPONSIBLE_FOR of a contacts row to a person that changed or is gone
// (an incremental load, graph/load.py); a changed one is then written again.
// @example {"rows": [{"row_key": "contacts:3", "person_id": "P000001"}]}
UNWIND $rows AS row
MATCH (:Person {person_id: row.person_id})<-[x:RESPONSIBLE_FOR {row_key: row.row_key}]-(:Contact)
DELETE x
