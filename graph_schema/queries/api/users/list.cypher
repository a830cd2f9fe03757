// Every API user (never their token hash), with whether they are disabled and when their
// token expires; with $division, only the users of that division (a code prefix, or a
// school of a county under it).
// @example {"division": null}
MATCH (u:User)
WHERE $division IS NULL OR u.division STARTS WITH $division
   OR EXISTS { MATCH (s:School {school_id: u.division}) WHERE s.county_code STARTS WITH $division }
RETURN coalesce(u.user_id, u.name) AS user_id, u.name AS name, u.role AS role, u.division AS division,
       toString(u.created_at) AS created_at, coalesce(u.disabled, false) AS disabled,
       toString(coalesce(u.token_expires_at, u.created_at + duration({days: 90}))) AS token_expires_at
ORDER BY u.name
