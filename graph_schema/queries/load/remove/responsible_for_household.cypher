// Deletes the RESPONSIBLE_FOR of a contacts row to a household that changed or is gone
// (an incremental load, graph/load.py); a changed one is then written again.
// @example {"rows": [{"row_key": "contacts:2", "uid": "hukou:4312020001"}]}
UNWIND $rows AS row
MATCH (:Household {key: row.uid})<-[x:RESPONSIBLE_FOR {row_key: row.row_key}]-(:Contact)
DELETE x
