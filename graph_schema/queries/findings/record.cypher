// Finding nodes: one per finding of a run, MERGEd on its stable key (kind + natural
// key), with the contract's columns and values, SEEN_IN the run, ABOUT the person and
// LOCATED_IN the division it concerns (when those exist in the graph).
// @example {"rows": [{"key": "unmatched_children|P000001", "kind": "unmatched_children", "label": "疑似失学辍学", "person_id": "P000001", "division_code": "431202101001", "columns": ["person_id"], "values": ["P000001"], "run_id": "example"}]}
UNWIND $rows AS row
MERGE (f:Finding {key: row.key})
ON CREATE SET f.first_run_id = row.run_id
SET f.kind = row.kind, f.label = row.label, f.person_id = row.person_id, f.division_code = row.division_code,
    f.columns = row.columns, f.values = row.values, f.run_id = row.run_id, f.active = true
WITH f, row
CALL (f, row) {
  MATCH (run:Run {run_id: row.run_id})
  MERGE (f)-[:SEEN_IN]->(run)
}
CALL (f, row) {
  MATCH (p:Person {person_id: row.person_id})
  MERGE (f)-[:ABOUT]->(p)
}
CALL (f, row) {
  MATCH (d:Division {code: row.division_code})
  MERGE (f)-[:LOCATED_IN]->(d)
}
