// Opens cases: each row is a new Case and its first, immutable CaseEvent (立案).
// Idempotent on case_id (a re-run of the same reconciliation opens nothing twice); the
// unique constraint on match_key makes a second case for the same child and duty fail.
// $at (the reconciliation's time) is each case's opened_at and updated_at and its event's at:
// one parameter, not three values of every row.
// Each new case is linked at once to its person (ABOUT), responsible county (RESPONSIBLE_COUNTY)
// and opening run (OPENED_IN) where those nodes exist, as cases/link_cases would link it
// afterwards: a first run's 25,000 cases then need no second pass (cases/link_keys finds
// nothing left to link for them).
// @example {"rows": [{"case": {"case_id": "KB-431222-0000000000", "case_type": "dropout", "match_key": "dropout|P000001", "state": "待核实", "version": 1, "person_id": "P000001", "subject": "P000001", "responsible_county": "431222", "deadline": "2025-11-14", "opened_run": "example"}, "event": {"event_id": "KB-431222-0000000000#1", "case_id": "KB-431222-0000000000", "seq": 1, "by": "系统比对", "action": "open", "to_state": "待核实", "evidence": [], "run_id": "example"}}, {"case": {"case_id": "KB-431221-0000000001", "case_type": "dropout", "match_key": "dropout|P000002", "state": "待接收", "resume_state": "核实中", "version": 1, "person_id": "P000002", "subject": "P000002", "responsible_county": "431221", "transfer_from": "431202", "returned_from": "431222", "reason_at": "2025-10-20", "reason_evidence": ["xueji_no=G1"], "closed_from": "排除", "hold_note": "示例", "deadline": "2025-11-14", "opened_run": "example"}, "event": {"event_id": "KB-431221-0000000001#1", "case_id": "KB-431221-0000000001", "seq": 1, "by": "系统比对", "action": "open", "to_state": "待核实", "evidence": [], "run_id": "example"}}], "at": "2025-10-20T08:00:00Z"}
UNWIND $rows AS row
MERGE (c:Case {case_id: row.case.case_id})
  ON CREATE SET c = row.case, c.opened_at = $at, c.updated_at = $at
MERGE (e:CaseEvent {event_id: row.event.event_id})
  ON CREATE SET e = row.event, e.at = $at
MERGE (c)-[:HAS_EVENT]->(e)
WITH c, e
CALL (c) {
  MATCH (p:Person {person_id: c.person_id})
  MERGE (c)-[:ABOUT]->(p)
}
CALL (c) {
  MATCH (d:Division {code: c.responsible_county})
  MERGE (c)-[:RESPONSIBLE_COUNTY]->(d)
}
CALL (c) {
  MATCH (r:Run {run_id: c.opened_run})
  MERGE (c)-[:OPENED_IN]->(r)
}
RETURN count(e) AS written
