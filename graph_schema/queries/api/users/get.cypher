// One user (by name or user id) if in $division (a code prefix, or a school of a county
// under it; null: any), never their token hash. No row otherwise.
// @example {"user": "示例用户", "division": "43"}
MATCH (u:User)
WHERE (u.name = $user OR u.user_id = $user)
  AND ($division IS NULL OR u.division STARTS WITH $division
       OR EXISTS { MATCH (s:School {school_id: u.division}) WHERE s.county_code STARTS WITH $division })
RETURN coalesce(u.user_id, u.name) AS user_id, u.name AS name, u.role AS role, u.division AS division,
       toString(u.created_at) AS created_at, coalesce(u.disabled, false) AS disabled,
       toString(coalesce(u.token_expires_at, u.created_at + duration({days: 90}))) AS token_expires_at
LIMIT 1
