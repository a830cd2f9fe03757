// Deletes a visit's TO a household that changed or is gone (an incremental load, graph/load.py).
// @example {"rows": [{"row_key": "visits:2", "uid": "hukou:4312020001"}]}
UNWIND $rows AS row
MATCH (:Visit {key: row.row_key})-[x:TO]->(:Household {key: row.uid})
DELETE x
