// The user holding a bearer token, found by the token's SHA-256 (the token is never stored).
// @example {"token_sha256": "0000"}
MATCH (u:User)
WHERE u.token_sha256 = $token_sha256
RETURN u.name AS name, u.role AS role, u.division AS division, coalesce(u.user_id, u.name) AS user_id
ORDER BY u.name
LIMIT 1
