// A successful sign-in: the count of failed sign-ins starts again, any lock is lifted.
// @example {"name": "示例用户", "at": "2025-10-20T08:00:00Z"}
MATCH (u:User {name: $name})
SET u.failed_logins = 0, u.locked_until = null, u.last_login_at = datetime($at)
RETURN coalesce(u.user_id, u.name) AS user_id
