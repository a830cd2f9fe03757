// RESPONSIBLE_FOR {type: 包村}: a contact row to its village, keyed by the row.
// A service assignment (contacts/effective.py) comes as row_key service:<id> with its assignment_id.
// @example {"rows": [{"row_key": "contacts:1", "contact_id": "C0001", "type": "包村", "status": "在岗", "target_raw": "431202101001", "code": "431202101001", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (c:Contact {contact_id: row.contact_id})
MATCH (d:Division {code: row.code})
MERGE (c)-[x:RESPONSIBLE_FOR {row_key: row.row_key}]->(d)
SET x.type = row.type, x.status = row.status, x.target_raw = row.target_raw, x.assignment_id = row.assignment_id,
    x.run_id = row.run_id
