// SourceRecord nodes (one per accepted person record, key <stem>:<row>) and
// HAS_RECORD from their person. All properties are replaced, so a record key reused
// by a later bundle carries no value of the earlier record.
// @example {"rows": [{"record_key": "hukou:1", "person_id": "P000001", "source": "hukou", "row_no": 1, "fingerprint": "example", "id_raw": "431202201203050012", "id_norm": "431202201203050012", "id_valid": true, "id_issue": "ok", "xueji_no": "G431202201203050012", "name_raw": "张伟", "name_norm": "张伟", "birth_date": "2012-03-05", "sex": "M", "division_code": "431202101001", "household_key": "4312020001", "hukou_status": "正常", "relation": "子", "ethnicity": "汉族", "school_id": "3143000001", "grade": "三年级", "enrol_status": "在读", "hukou_code": "431202101001", "boarding": false, "poverty_type": "一般贫困户", "disability_type": "肢体", "disability_grade": "二级", "relief_type": "农村低保", "project": "义务教育生活补助", "amount": 500.0, "term": "2025秋", "paying_county": "431202", "paid_date": "2025-10-01", "pay_method": "银行卡", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MERGE (r:SourceRecord {record_key: row.record_key})
SET r = row
MERGE (p)-[h:HAS_RECORD]->(r)
SET h.run_id = row.run_id
