// Creates an API user (officer) with the SHA-256 of their bearer token and its expiry, or
// with $replace re-issues the token of an existing one (keeping its user_id; the old token
// stops working at once); no row when the name is taken. Records the change (a UserChange,
// immutable) with who made it ($made_by and the actor props; null when the first user is
// made on the server's own machine).
// @example {"name": "示例用户", "role": "县级数据员", "division": "431202", "token_sha256": "0000", "user_id": "U-000000000000", "at": "2025-10-20T08:00:00Z", "expires_at": "2026-01-18T08:00:00Z", "replace": false, "change_id": "UC-example", "made_by": "省管理员", "actor_id": "U-0123456789ab", "actor_role": "省级管理员", "actor_division": "43"}
OPTIONAL MATCH (old:User {name: $name})
WITH old
WHERE old IS NULL OR $replace
MERGE (u:User {name: $name})
SET u.role = $role, u.division = $division, u.token_sha256 = $token_sha256, u.created_at = datetime($at),
    u.user_id = coalesce(u.user_id, $user_id), u.token_expires_at = datetime($expires_at), u.disabled = false
CREATE (c:UserChange)
SET c.change_id = $change_id, c.action = CASE WHEN old IS NULL THEN 'add' ELSE 'reissue' END, c.user_id = u.user_id,
    c.user_name = u.name, c.role = u.role, c.division = u.division, c.made_by = $made_by, c.actor_id = $actor_id,
    c.actor_role = $actor_role, c.actor_division = $actor_division, c.at = datetime($at)
RETURN true AS created, u.user_id AS user_id
