// Deletes the RESPONSIBLE_FOR of a contacts row to a village that changed or is gone
// (an incremental load, graph/load.py); a changed one is then written again.
// @example {"rows": [{"row_key": "contacts:1", "code": "431202101001"}]}
UNWIND $rows AS row
MATCH (:Division {code: row.code})<-[x:RESPONSIBLE_FOR {row_key: row.row_key}]-(:Contact)
DELETE x
