// RESPONSIBLE_FOR {type: 包人}: a contact row to its person, keyed by the row;
// repaired = the typed key matched only after an ID repair.
// A service assignment (contacts/effective.py) comes as row_key service:<id> with its assignment_id.
// @example {"rows": [{"row_key": "contacts:3", "contact_id": "C0001", "type": "包人", "status": "在岗", "target_raw": "431202201203050012", "person_id": "P000001", "repaired": false, "run_id": "example"}]}
UNWIND $rows AS row
MATCH (c:Contact {contact_id: row.contact_id})
MATCH (p:Person {person_id: row.person_id})
MERGE (c)-[x:RESPONSIBLE_FOR {row_key: row.row_key}]->(p)
SET x.type = row.type, x.status = row.status, x.target_raw = row.target_raw, x.repaired = row.repaired,
    x.assignment_id = row.assignment_id,
    x.run_id = row.run_id
