// Deletes an assignment event's CONCERNS its target no longer takes (the target is
// gone or is another node in this run: an incremental load, graph/load.py).
// @example {"rows": [{"assignment_id": "CA-example", "duty_type": "包人", "key": "P000001"}]}
UNWIND $rows AS row
MATCH (a:ContactAssignment {assignment_id: row.assignment_id})-[x:CONCERNS]->(t)
WHERE (row.duty_type = '包村' AND t:Division AND t.code = row.key)
   OR (row.duty_type = '包户' AND t:Household AND t.key = row.key)
   OR (row.duty_type = '包人' AND t:Person AND t.person_id = row.key)
DELETE x
