// Takes the write lock of the given cases and returns what reconciliation needs
// (cases/ledger.py reconcile): officers' actions on these cases wait until this part of
// the run's reconciliation has committed, and it sees every action committed before it.
// @example {"case_ids": ["KB-431222-0000000000"], "at": "2025-10-20T08:00:00Z"}
UNWIND $case_ids AS id
MATCH (c:Case {case_id: id})
SET c.updated_at = $at
RETURN c.case_id AS case_id, c.case_type AS case_type, c.match_key AS match_key, c.state AS state,
       c.version AS version, c.person_id AS person_id, c.resume_state AS resume_state,
       c.reason_code AS reason_code, c.attempts AS attempts, c.notice_deadline AS notice_deadline,
       toString(c.opened_at) AS opened_at, c.reason_at AS reason_at, c.reason_evidence AS reason_evidence,
       c.closed_from AS closed_from, c.closed_at AS closed_at, c.finding_json AS finding_json,
       c.responsible_county AS responsible_county, c.transfer_from AS transfer_from, c.returned_from AS returned_from
