// Every person id, for computing the person status in batches.
// @example {}
MATCH (p:Person)
RETURN p.person_id AS person_id
ORDER BY person_id
