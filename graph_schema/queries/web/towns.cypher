// The towns (乡镇) a caller may filter the 台账 by: those under $division (for role 学校,
// $school: the towns of its county), with their names.
// @example {"division": "431202", "school": null}
OPTIONAL MATCH (s:School {school_id: $school})
WITH coalesce($division, s.county_code) AS under
MATCH (d:Division)
WHERE under IS NOT NULL AND d.level = '乡' AND d.code STARTS WITH under
RETURN d.code AS code, d.name AS name
ORDER BY code
