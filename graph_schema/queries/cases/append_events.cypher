// Appends one immutable CaseEvent per row and moves its case to the event's state in the
// same statement. Optimistic concurrency: a row only applies if the case is still at the
// version the caller validated against; the caller compares `written` with its row count
// and rolls the transaction back on a difference. At most one row per case per call.
// @example {"rows": [{"case_id": "KB-431222-0000000000", "version": 1, "updates": {"state": "核实中", "updated_at": "2025-10-20T08:00:00Z"}, "event": {"event_id": "KB-431222-0000000000#2", "case_id": "KB-431222-0000000000", "seq": 2, "by": "王老师", "action": "start_verification", "from_state": "待核实", "to_state": "核实中", "evidence": [], "at": "2025-10-20T08:00:00Z"}}]}
UNWIND $rows AS row
MATCH (c:Case {case_id: row.case_id})
WHERE c.version = row.version
SET c += row.updates, c.version = row.version + 1
CREATE (e:CaseEvent)
SET e = row.event
CREATE (c)-[:HAS_EVENT]->(e)
RETURN count(e) AS written
