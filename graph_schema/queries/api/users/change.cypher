// A change to one user ($action: disable, enable or delete), by name or user id, recorded
// as an immutable UserChange with who made it. disable / enable set u.disabled (a disabled
// user's token is refused at once: api/users/by_token); delete removes the User node
// (their past actions keep their user id). No row when there is no such user.
// @example {"user": "示例用户", "action": "disable", "change_id": "UC-example-change", "at": "2025-10-20T08:00:00Z", "made_by": "省管理员", "actor_id": "U-0123456789ab", "actor_role": "省级管理员", "actor_division": "43"}
MATCH (u:User)
WHERE u.name = $user OR u.user_id = $user
WITH u LIMIT 1
CREATE (c:UserChange)
SET c.change_id = $change_id, c.action = $action, c.user_id = coalesce(u.user_id, u.name), c.user_name = u.name,
    c.role = u.role, c.division = u.division, c.made_by = $made_by, c.actor_id = $actor_id,
    c.actor_role = $actor_role, c.actor_division = $actor_division, c.at = datetime($at)
WITH u, c
CALL (u) {
  WITH u WHERE $action IN ['disable', 'enable']
  SET u.disabled = ($action = 'disable')
}
CALL (u) {
  WITH u WHERE $action = 'delete'
  DETACH DELETE u
}
RETURN c.user_id AS user_id, c.user_name AS name, c.action AS action
