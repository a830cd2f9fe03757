// Whether a case is in the caller's scope (fragments/case_scope): one row when it exists
// and is. A county also sees the cases it handed over until accepted (cases/ledger.py
// lets only the new one act).
// @example {"case_id": "KB-431222-0000000000", "division": "43", "school": null}
MATCH (c:Case {case_id: $case_id})
WHERE {{case_scope}}
RETURN c.case_id AS case_id
