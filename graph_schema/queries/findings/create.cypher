// Finding nodes of keys the graph does not hold yet (record_findings found them absent):
// created with what findings/record sets, SEEN_IN the run, ABOUT the person and LOCATED_IN
// the division (when those exist), with CREATE where findings/record needs MERGE.
// @example {"rows": [{"key": "unmatched_children|P000009", "kind": "unmatched_children", "label": "疑似失学辍学", "person_id": "P000009", "division_code": "431202101001", "columns": ["person_id"], "values": ["P000009"], "run_id": "example"}]}
UNWIND $rows AS row
CREATE (f:Finding {key: row.key})
SET f.first_run_id = row.run_id, f.kind = row.kind, f.label = row.label, f.person_id = row.person_id,
    f.division_code = row.division_code, f.columns = row.columns, f.values = row.values, f.run_id = row.run_id,
    f.active = true
WITH f, row
CALL (f, row) {
  MATCH (run:Run {run_id: row.run_id})
  CREATE (f)-[:SEEN_IN]->(run)
}
CALL (f, row) {
  MATCH (p:Person {person_id: row.person_id})
  CREATE (f)-[:ABOUT]->(p)
}
CALL (f, row) {
  MATCH (d:Division {code: row.division_code})
  CREATE (f)-[:LOCATED_IN]->(d)
}
