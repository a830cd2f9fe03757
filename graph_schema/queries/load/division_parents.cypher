// PART_OF: a division to its parent (village → town → county → city → province).
// @example {"rows": [{"code": "431202101001", "parent_code": "431202101", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (d:Division {code: row.code})
MATCH (parent:Division {code: row.parent_code})
MERGE (d)-[r:PART_OF]->(parent)
SET r.run_id = row.run_id
