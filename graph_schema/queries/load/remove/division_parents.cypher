// Deletes a division's PART_OF (its parent moved, or it has none now): an incremental
// load's changed and removed keys of load/division_parents (graph/load.py).
// @example {"rows": [{"code": "431202101001"}]}
UNWIND $rows AS row
MATCH (:Division {code: row.code})-[x:PART_OF]->()
DELETE x
