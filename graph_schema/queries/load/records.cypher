// SourceRecord nodes (one per accepted person record, key <stem>:<row>) and
// HAS_RECORD from their person. All properties are replaced, so a record key reused
// by a later bundle carries no value of the earlier record.
// @example {"rows": [{"record_key": "hukou:1", "person_id": "P000001", "source": "hukou", "row_no": 1, "name_raw": "张伟", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MERGE (r:SourceRecord {record_key: row.record_key})
SET r = row
MERGE (p)-[h:HAS_RECORD]->(r)
SET h.run_id = row.run_id
