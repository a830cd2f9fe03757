// Payment: a subsidy payment record (资助发放) is a SourceRecord with the Payment
// label; PAID_BY links it to the paying county (发放单位区划代码).
// @example {"rows": [{"record_key": "zizhu:1", "paying_county": "431202", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (r:SourceRecord {record_key: row.record_key})
SET r:Payment
WITH r, row
MATCH (c:Division {code: row.paying_county})
MERGE (r)-[x:PAID_BY]->(c)
SET x.run_id = row.run_id
