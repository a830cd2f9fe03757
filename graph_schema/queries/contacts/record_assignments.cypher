// Officers' 三包 assignment events (assign / release), created once and never changed,
// made by a registered user (made_by: the name; actor_*: the user's id, role and division),
// each linked (CONCERNS) to the village, household or person it is about.
// @example {"rows": [{"assignment_id": "CA-example", "action": "assign", "contact_id": "C0001", "duty_type": "包人", "target": "P000001", "made_by": "示例用户", "actor_id": "U-0123456789ab", "actor_role": "乡镇专干", "actor_division": "431202101", "made_at": "2025-10-20T08:00:00Z", "note": "示例", "batch_id": "CB-example"}]}
UNWIND $rows AS row
CREATE (a:ContactAssignment)
SET a.assignment_id = row.assignment_id, a.action = row.action, a.contact_id = row.contact_id,
    a.duty_type = row.duty_type, a.target = row.target, a.made_by = row.made_by,
    a.actor_id = row.actor_id, a.actor_role = row.actor_role, a.actor_division = row.actor_division, a.made_at = datetime(row.made_at),
    a.note = row.note, a.batch_id = row.batch_id
WITH a, row
CALL (row) {
  MATCH (t:Division {code: row.target}) WHERE row.duty_type = '包村' RETURN t
  UNION
  MATCH (t:Household {key: row.target}) WHERE row.duty_type = '包户' RETURN t
  UNION
  MATCH (t:Person {person_id: row.target}) WHERE row.duty_type = '包人' RETURN t
}
CREATE (a)-[x:CONCERNS]->(t)
SET x.run_id = t.run_id
