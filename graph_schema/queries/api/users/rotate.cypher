// A new token for a user (by name or user id): the old one stops working at once; the
// user id, role and division stay. Recorded as an immutable UserChange (rotate) with who
// made it. No row when there is no such user.
// @example {"user": "示例用户", "token_sha256": "0000", "expires_at": "2026-01-18T08:00:00Z", "change_id": "UC-example-rotate", "at": "2025-10-20T08:00:00Z", "made_by": "省管理员", "actor_id": "U-0123456789ab", "actor_role": "省级管理员", "actor_division": "43"}
MATCH (u:User)
WHERE u.name = $user OR u.user_id = $user
WITH u LIMIT 1
SET u.token_sha256 = $token_sha256, u.token_expires_at = datetime($expires_at)
CREATE (c:UserChange)
SET c.change_id = $change_id, c.action = 'rotate', c.user_id = coalesce(u.user_id, u.name), c.user_name = u.name,
    c.role = u.role, c.division = u.division, c.made_by = $made_by, c.actor_id = $actor_id,
    c.actor_role = $actor_role, c.actor_division = $actor_division, c.at = datetime($at)
RETURN c.user_id AS user_id, u.name AS name, toString(u.token_expires_at) AS token_expires_at
