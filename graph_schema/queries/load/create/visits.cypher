// Visit nodes and BY, first load only: load/visits with CREATE for MERGE (see load/
// create/persons for why both exist). One writer: a contact is the end of many BY.
// @example {"rows": [{"key": "visits:first-load", "contact_id": "C0001", "target_raw": "431202201203050012", "visit_date": "2025-10-01", "method": "入户", "run_id": "example"}]}
UNWIND $rows AS row
CREATE (v:Visit)
SET v = row
WITH v, row
MATCH (c:Contact {contact_id: row.contact_id})
CREATE (v)-[x:BY]->(c)
SET x.run_id = row.run_id
