// `notoneless restore`: the runs a finding was seen in, (Finding)-[:SEEN_IN]->(Run).
// @example {"rows": [{"start": "unmatched_children|P000000000001", "end": "20251016T080000Z-000000", "props": {}}]}
UNWIND $rows AS row
MATCH (a:Finding {key: row.start})
MATCH (b:Run {run_id: row.end})
CREATE (a)-[r:SEEN_IN]->(b)
SET r = row.props
