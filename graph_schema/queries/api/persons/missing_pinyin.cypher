// Persons whose name has no pinyin search key yet (api/search.py computes it in Python
// with normalize/names.py, then writes it with api/persons/set_pinyin).
// @example {"limit": 1000}
MATCH (p:Person)
WHERE p.name IS NOT NULL AND p.name_pinyin IS NULL
RETURN p.person_id AS person_id, p.name AS name
LIMIT $limit
