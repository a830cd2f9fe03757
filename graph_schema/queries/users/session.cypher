// The user of a web session, by user id, if not disabled, with their session epoch (a
// session of an older epoch was signed out).
// @example {"user_id": "U-000000000000"}
MATCH (u:User)
WHERE coalesce(u.user_id, u.name) = $user_id AND NOT coalesce(u.disabled, false)
RETURN u.name AS name, u.role AS role, u.division AS division, coalesce(u.user_id, u.name) AS user_id,
       coalesce(properties(u)['session_epoch'], 0) AS session_epoch
LIMIT 1
