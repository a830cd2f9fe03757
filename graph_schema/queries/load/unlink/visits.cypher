// Deletes a changed visit's BY before load/visits writes it again (graph/load.py).
// @example {"rows": [{"key": "visits:1"}]}
UNWIND $rows AS row
MATCH (:Visit {key: row.key})-[x:BY]->()
DELETE x
