// Every case's id, person and match key: reconcile partitions the ledger by subject
// with it (and resolves the persons through the linkage history), and for splits the
// person and run it was opened about (a case opened before that was kept: its person),
// and its responsible county (a run reconciles only the cases of the counties it covers).
// @example {}
MATCH (c:Case)
RETURN c.case_id AS case_id, c.person_id AS person_id, c.match_key AS match_key, c.opened_run AS opened_run,
       coalesce(c.opened_person_id, c.person_id) AS opened_person_id, c.responsible_county AS county
