// Every API user (never their token hash).
// @example {}
MATCH (u:User)
RETURN coalesce(u.user_id, u.name) AS user_id, u.name AS name, u.role AS role, u.division AS division, toString(u.created_at) AS created_at
ORDER BY u.name
