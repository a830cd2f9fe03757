// An officer's 三包 assignments take effect in the current graph at once (the next run
// re-derives them by contacts/merge.py): one RESPONSIBLE_FOR per event, keyed
// service:<assignment_id>, with the contact's current status.
// @example {"rows": [{"assignment_id": "CA-example", "contact_id": "C0001", "duty_type": "包人", "target": "P000001"}]}
UNWIND $rows AS row
MATCH (c:Contact {contact_id: row.contact_id})
CALL (row) {
  MATCH (t:Division {code: row.target}) WHERE row.duty_type = '包村' RETURN t
  UNION
  MATCH (t:Household {key: row.target}) WHERE row.duty_type = '包户' RETURN t
  UNION
  MATCH (t:Person {person_id: row.target}) WHERE row.duty_type = '包人' RETURN t
}
MERGE (c)-[x:RESPONSIBLE_FOR {row_key: 'service:' + row.assignment_id}]->(t)
SET x.type = row.duty_type, x.status = c.status, x.target_raw = row.target, x.assignment_id = row.assignment_id,
    x.run_id = c.run_id
