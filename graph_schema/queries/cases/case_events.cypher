// A case's events in order (cases show, the audit trail).
// @example {"case_id": "KB-431222-0000000000"}
MATCH (:Case {case_id: $case_id})-[:HAS_EVENT]->(e:CaseEvent)
RETURN e {.*} AS event
ORDER BY e.seq
