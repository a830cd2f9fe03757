// One case's properties (cases show).
// @example {"case_id": "KB-431222-0000000000"}
MATCH (c:Case {case_id: $case_id})
RETURN c {.*} AS case
