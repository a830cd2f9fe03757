// Person ids to look up in benchmarks/api_load.py (the first $limit by id).
// @example {"limit": 10}
MATCH (p:Person)
RETURN p.person_id AS person_id
ORDER BY person_id
LIMIT $limit
