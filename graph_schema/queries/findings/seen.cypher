// Findings this run found again unchanged and active (record_findings compared them with
// findings/recorded): only the run that saw them is recorded (run_id, SEEN_IN). Their links
// to person and division are as findings/record made them; findings/relink restores any a
// rebuilt node took away.
// @example {"rows": [{"key": "unmatched_children|P000001", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (f:Finding {key: row.key})
SET f.run_id = row.run_id
WITH f, row
MATCH (run:Run {run_id: row.run_id})
MERGE (f)-[:SEEN_IN]->(run)
