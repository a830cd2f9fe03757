// Every case's id, person and match key: reconcile partitions the ledger by subject
// with it (and resolves the persons through the linkage history).
// @example {}
MATCH (c:Case)
RETURN c.case_id AS case_id, c.person_id AS person_id, c.match_key AS match_key
