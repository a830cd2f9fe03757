// The county of a school (学校标识码); no row when unknown.
// @example {"school_id": "3143000001"}
MATCH (s:School {school_id: $school_id})
RETURN s.county_code AS county_code
