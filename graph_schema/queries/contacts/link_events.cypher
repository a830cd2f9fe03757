// CONCERNS: each 三包 assignment event to what its target is in this run (a village, a
// household, or the person a merged person id now lives in), so a person's trail lists
// the assignments about them. Written by the load's last step (stamped with its run_id; the
// old links go with a full load's stale relationships, or by key in an incremental load,
// load/remove/link_events); the events themselves are never changed.
// @example {"rows": [{"assignment_id": "CA-example", "duty_type": "包人", "key": "P000001", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (a:ContactAssignment {assignment_id: row.assignment_id})
CALL (row) {
  MATCH (t:Division {code: row.key}) WHERE row.duty_type = '包村' RETURN t
  UNION
  MATCH (t:Household {key: row.key}) WHERE row.duty_type = '包户' RETURN t
  UNION
  MATCH (t:Person {person_id: row.key}) WHERE row.duty_type = '包人' RETURN t
}
MERGE (a)-[x:CONCERNS]->(t)
SET x.run_id = row.run_id
