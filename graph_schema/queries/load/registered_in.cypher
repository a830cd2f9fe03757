// REGISTERED_IN: a record to the division it registers the person in (hukou, fupin,
// canlian, minzheng: 区划代码; xueji: 户口所在地), with the hukou status (户籍状态).
// @example {"rows": [{"record_key": "hukou:1", "code": "431202101001", "status": "正常", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (r:SourceRecord {record_key: row.record_key})
MATCH (d:Division {code: row.code})
MERGE (r)-[x:REGISTERED_IN]->(d)
SET x.status = row.status, x.run_id = row.run_id
