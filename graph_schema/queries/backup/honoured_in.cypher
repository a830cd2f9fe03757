// `notoneless restore`: how each run honoured an identity decision,
// (IdentityDecision)-[:HONOURED_IN {status, record_keys, person_ids}]->(Run).
// @example {"rows": [{"start": "D-EXAMPLE", "end": "20251016T080000Z-000000", "props": {"status": "applied", "record_keys": ["hukou:5", "hukou:6"], "person_ids": ["P000000000001"]}}]}
UNWIND $rows AS row
MATCH (a:IdentityDecision {decision_id: row.start})
MATCH (b:Run {run_id: row.end})
CREATE (a)-[r:HONOURED_IN]->(b)
SET r = row.props
