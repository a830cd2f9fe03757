// The person ids cases are about (reconcile resolves them through the linkage history).
// @example {}
MATCH (c:Case)
WHERE c.person_id IS NOT NULL
RETURN DISTINCT c.person_id AS person_id
