// Deletes a changed school's IN before load/schools writes it again (graph/load.py).
// @example {"rows": [{"school_id": "3143000001"}]}
UNWIND $rows AS row
MATCH (:School {school_id: row.school_id})-[x:IN]->()
DELETE x
