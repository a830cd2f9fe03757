// Sets a user's web password (its Argon2id hash; the password itself is never stored),
// clears the failed sign-ins and any lock, and records the change (a UserChange) with
// who made it. No row when there is no user of that name.
// @example {"name": "示例用户", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$AAAA$AAAA", "at": "2025-10-20T08:00:00Z", "change_id": "UC-example-password", "made_by": null, "actor_id": null, "actor_role": null, "actor_division": null}
MATCH (u:User {name: $name})
SET u.password_hash = $password_hash, u.failed_logins = 0, u.locked_until = null, u.password_set_at = datetime($at)
CREATE (c:UserChange)
SET c.change_id = $change_id, c.action = 'password', c.user_id = coalesce(u.user_id, u.name), c.user_name = u.name,
    c.role = u.role, c.division = u.division, c.made_by = $made_by, c.actor_id = $actor_id,
    c.actor_role = $actor_role, c.actor_division = $actor_division, c.at = datetime($at)
RETURN coalesce(u.user_id, u.name) AS user_id
