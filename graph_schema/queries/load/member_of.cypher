// MEMBER_OF: a hukou or fupin record to its household, with 与户主关系.
// @example {"rows": [{"record_key": "hukou:1", "uid": "hukou:4312020001", "relation": "子", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (r:SourceRecord {record_key: row.record_key})
MATCH (h:Household {key: row.uid})
MERGE (r)-[x:MEMBER_OF]->(h)
SET x.relation = row.relation, x.run_id = row.run_id
