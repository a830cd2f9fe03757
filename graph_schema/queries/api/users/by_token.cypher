// The user holding a bearer token, found by the token's SHA-256 (the token is never
// stored), if the user is not disabled and the token has not expired (a token issued
// before tokens carried an expiry expires 90 days after it was issued).
// @example {"token_sha256": "0000"}
MATCH (u:User)
WHERE u.token_sha256 = $token_sha256
  AND NOT coalesce(u.disabled, false)
  AND coalesce(u.token_expires_at, u.created_at + duration({days: 90})) > datetime()
RETURN u.name AS name, u.role AS role, u.division AS division, coalesce(u.user_id, u.name) AS user_id
ORDER BY u.name
LIMIT 1
