// Creates an API user (officer) with the SHA-256 of their bearer token, or with
// $replace re-issues the token of an existing one (keeping its user_id); no row when the name is taken.
// @example {"name": "示例用户", "role": "县级数据员", "division": "431202", "token_sha256": "0000", "user_id": "U-000000000000", "at": "2025-10-20T08:00:00Z", "replace": false}
OPTIONAL MATCH (old:User {name: $name})
WITH old
WHERE old IS NULL OR $replace
MERGE (u:User {name: $name})
SET u.role = $role, u.division = $division, u.token_sha256 = $token_sha256, u.created_at = datetime($at),
    u.user_id = coalesce(u.user_id, $user_id)
RETURN true AS created
