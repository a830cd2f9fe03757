// `notoneless restore`: the run a case was opened in, (Case)-[:OPENED_IN]->(Run).
// @example {"rows": [{"start": "KB-431224-EXAMPLE", "end": "20251016T080000Z-000000", "props": {}}]}
UNWIND $rows AS row
MATCH (a:Case {case_id: row.start})
MATCH (b:Run {run_id: row.end})
CREATE (a)-[r:OPENED_IN]->(b)
SET r = row.props
