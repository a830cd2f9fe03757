// Visit nodes (走访记录), keyed by their row (visits:<row>), and BY: the visit to its contact.
// @example {"rows": [{"key": "visits:1", "contact_id": "C0001", "target_raw": "431202201203050012", "visit_date": "2025-10-01", "method": "入户", "run_id": "example"}]}
UNWIND $rows AS row
MERGE (v:Visit {key: row.key})
SET v = row
WITH v, row
MATCH (c:Contact {contact_id: row.contact_id})
MERGE (v)-[x:BY]->(c)
SET x.run_id = row.run_id
