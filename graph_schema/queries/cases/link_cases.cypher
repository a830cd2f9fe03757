// Links cases to the graph they are about: the person (ABOUT), the responsible county
// division (RESPONSIBLE_COUNTY) and the run that opened them (OPENED_IN), where those
// nodes exist. Re-run after each reconciliation (a merged person's node is new).
// @example {"rows": [{"case_id": "KB-431222-0000000000", "person_id": "P000001", "county": "431222", "opened_run": "example"}]}
UNWIND $rows AS row
MATCH (c:Case {case_id: row.case_id})
OPTIONAL MATCH (p:Person {person_id: row.person_id})
OPTIONAL MATCH (d:Division {code: row.county})
OPTIONAL MATCH (r:Run {run_id: row.opened_run})
FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | MERGE (c)-[:ABOUT]->(x))
FOREACH (x IN CASE WHEN d IS NULL THEN [] ELSE [d] END | MERGE (c)-[:RESPONSIBLE_COUNTY]->(x))
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [r] END | MERGE (c)-[:OPENED_IN]->(x))
RETURN count(c) AS linked
