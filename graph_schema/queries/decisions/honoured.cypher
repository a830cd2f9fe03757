// How a run honoured each effective decision: one HONOURED_IN relationship per decision
// and run (status applied | vanished | contradicted, the record keys and persons of that
// run). The decision node itself is never touched.
// @example {"rows": [{"decision_id": "D20251020T080000-0000abcd", "run_id": "example", "status": "applied", "record_keys": ["hukou:1", "xueji:1"], "person_ids": ["P000001"]}]}
UNWIND $rows AS row
MATCH (d:IdentityDecision {decision_id: row.decision_id})
MATCH (r:Run {run_id: row.run_id})
CREATE (d)-[h:HONOURED_IN]->(r)
SET h.status = row.status, h.record_keys = row.record_keys, h.person_ids = row.person_ids
RETURN count(h) AS written
