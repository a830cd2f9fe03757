// SourceRecord nodes with HAS_RECORD and their links (REGISTERED_IN, ENROLLED_AT,
// MEMBER_OF, Payment/PAID_BY), first load only: load/records with CREATE for MERGE (see
// load/create/persons for why both exist). Rows come ordered by person, so writers on
// consecutive batches touch disjoint persons and records; the villages, schools and
// counties they share are dense nodes, households are not. Two writers met no deadlock
// on a 221k-record bundle, four met a few (the driver retries the batch):
// benchmarks/first_load.py.
// @example {"rows": [{"record_key": "hukou:first-load", "person_id": "P000001", "run_id": "example", "props": {"record_key": "hukou:first-load", "source": "hukou", "row_no": 1, "fingerprint": "example", "id_raw": "431202201203050012", "id_norm": "431202201203050012", "id_valid": true, "id_issue": "ok", "xueji_no": "G431202201203050012", "name_raw": "张伟", "name_norm": "张伟", "birth_date": "2012-03-05", "sex": "M", "division_code": "431202101001", "household_key": "4312020001", "hukou_status": "正常", "relation": "子", "ethnicity": "汉族", "school_id": "3143000001", "grade": "三年级", "enrol_status": "在读", "hukou_code": "431202101001", "boarding": false, "poverty_type": "一般贫困户", "disability_type": "肢体", "disability_grade": "二级", "relief_type": "农村低保", "project": "义务教育生活补助", "amount": 500.0, "term": "2025秋", "paying_county": "431202", "paid_date": "2025-10-01", "pay_method": "银行卡", "run_id": "example"}, "code": "431202101001", "status": "正常", "school_id": "3143000001", "grade": "三年级", "enrol_status": "在读", "household": "hukou:4312020001", "relation": "子"}]}
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
CREATE (r:SourceRecord)
SET r = row.props
CREATE (p)-[h:HAS_RECORD]->(r)
SET h.run_id = row.run_id
WITH r, row
CALL (r, row) {
  MATCH (d:Division {code: row.code})
  CREATE (r)-[x:REGISTERED_IN]->(d)
  SET x.status = row.status, x.run_id = row.run_id
}
CALL (r, row) {
  MATCH (s:School {school_id: row.school_id})
  CREATE (r)-[x:ENROLLED_AT]->(s)
  SET x.status = row.enrol_status, x.grade = row.grade, x.run_id = row.run_id
}
CALL (r, row) {
  MATCH (hh:Household {key: row.household})
  CREATE (r)-[x:MEMBER_OF]->(hh)
  SET x.relation = row.relation, x.run_id = row.run_id
}
CALL (r, row) {
  WITH r, row
  WHERE row.props.source = 'zizhu'
  SET r:Payment
  WITH r, row
  MATCH (c:Division {code: row.paying_county})
  CREATE (r)-[x:PAID_BY]->(c)
  SET x.run_id = row.run_id
}
