// Opens cases: each row is a new Case and its first, immutable CaseEvent (立案).
// CREATE, not MERGE: the unique constraints on case_id and match_key make a second
// opening of the same case fail instead of duplicating it.
// @example {"rows": [{"case": {"case_id": "KB-431222-0000000000", "case_type": "dropout", "match_key": "dropout|P000001", "state": "待核实", "version": 1, "person_id": "P000001", "subject": "P000001", "responsible_county": "431222", "deadline": "2025-11-14", "opened_run": "example", "opened_at": "2025-10-20T08:00:00Z", "updated_at": "2025-10-20T08:00:00Z"}, "event": {"event_id": "KB-431222-0000000000#1", "case_id": "KB-431222-0000000000", "seq": 1, "by": "系统比对", "action": "open", "to_state": "待核实", "evidence": [], "run_id": "example", "at": "2025-10-20T08:00:00Z"}}]}
UNWIND $rows AS row
CREATE (c:Case)
SET c = row.case
CREATE (e:CaseEvent)
SET e = row.event
CREATE (c)-[:HAS_EVENT]->(e)
RETURN count(e) AS written
