// A changed record whose links point where they did (graph/load.py, Step.links: same
// person, division, school, household, paying county): its properties made row.props
// (as SET r = row.props would) and its links' values set (户籍状态, 学籍状态, 年级, 与户主关系),
// each link found from the record itself. No look-up of the nodes it links to and no MERGE:
// what load/records does for a new record or one whose links moved.
// A link is written only when a value it carries changed, and then takes the run's id
// (run_id: the run that last wrote an item, graph_schema/README.md); HAS_RECORD and PAID_BY
// carry no value, and a record's change rarely moves its links' values, so most updates
// write the record alone (on a 5 %-changed 1M bundle, 50,154 updates: 5.5-6.0 s -> 4.9-5.0 s warm).
// Only the properties that differ are written: a monthly change touches two or three of a
// record's ~35 (the value, its fingerprint, the run id), and SET r = row.props looks up and
// compares every key on its own; reading the record's properties once and setting the
// differing keys took 30 % less time on 20,000 updates at 1M (docs/scale.md).
// @example {"rows": [{"record_key": "hukou:1", "person_id": "P000001", "run_id": "example", "props": {"record_key": "hukou:1", "source": "hukou", "row_no": 1, "fingerprint": "example", "id_raw": "431202201203050012", "id_norm": "431202201203050012", "id_valid": true, "id_issue": "ok", "xueji_no": "G431202201203050012", "name_raw": "张伟", "name_norm": "张伟", "birth_date": "2012-03-05", "sex": "M", "division_code": "431202101001", "household_key": "4312020001", "hukou_status": "正常", "relation": "子", "ethnicity": "汉族", "school_id": "3143000001", "grade": "三年级", "enrol_status": "在读", "hukou_code": "431202101001", "boarding": false, "poverty_type": "一般贫困户", "disability_type": "肢体", "disability_grade": "二级", "relief_type": "农村低保", "project": "义务教育生活补助", "amount": 500.0, "term": "2025秋", "paying_county": "431202", "paid_date": "2025-10-01", "pay_method": "银行卡", "run_id": "example"}, "code": "431202101001", "status": "正常", "school_id": "3143000001", "grade": "三年级", "enrol_status": "在读", "household": "hukou:4312020001", "relation": "子"}]}
UNWIND $rows AS row
MATCH (r:SourceRecord {record_key: row.record_key})
WITH r, row, properties(r) AS old
FOREACH (k IN [k IN keys(row.props) WHERE old[k] IS NULL OR old[k] <> row.props[k]] | SET r[k] = row.props[k])
FOREACH (k IN [k IN keys(old) WHERE row.props[k] IS NULL] | SET r[k] = null)
WITH r, row
CALL (r, row) {
  MATCH (r)-[x:REGISTERED_IN]->(:Division)
  WHERE coalesce(x.status <> row.status, x.status IS NOT NULL OR row.status IS NOT NULL)
  SET x.status = row.status, x.run_id = row.run_id
}
CALL (r, row) {
  MATCH (r)-[x:ENROLLED_AT]->(:School)
  WHERE coalesce(x.status <> row.enrol_status, x.status IS NOT NULL OR row.enrol_status IS NOT NULL)
     OR coalesce(x.grade <> row.grade, x.grade IS NOT NULL OR row.grade IS NOT NULL)
  SET x.status = row.enrol_status, x.grade = row.grade, x.run_id = row.run_id
}
CALL (r, row) {
  MATCH (r)-[x:MEMBER_OF]->(:Household)
  WHERE coalesce(x.relation <> row.relation, x.relation IS NOT NULL OR row.relation IS NOT NULL)
  SET x.relation = row.relation, x.run_id = row.run_id
}
