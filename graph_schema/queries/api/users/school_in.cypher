// One row when the school $school_id is in a county under $division (a user of it may be
// made by an administrator of $division).
// @example {"school_id": "3143000001", "division": "43"}
MATCH (s:School {school_id: $school_id})
WHERE s.county_code STARTS WITH $division
RETURN s.school_id AS school_id
