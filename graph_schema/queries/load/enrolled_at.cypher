// ENROLLED_AT: a student record (学籍) to its school, with 学籍状态 and 年级.
// @example {"rows": [{"record_key": "xueji:1", "school_id": "3143000001", "status": "在读", "grade": "三年级", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (r:SourceRecord {record_key: row.record_key})
MATCH (s:School {school_id: row.school_id})
MERGE (r)-[x:ENROLLED_AT]->(s)
SET x.status = row.status, x.grade = row.grade, x.run_id = row.run_id
