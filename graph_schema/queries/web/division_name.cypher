// The name of a signed-in officer's division ($code: a division code) or, for role 学校,
// of their school ($code: a school id), shown beside the code on every page.
// @example {"code": "431202"}
MATCH (d:Division {code: $code})
RETURN d.name AS name
UNION
MATCH (s:School {school_id: $code})
RETURN s.name AS name
