// The user of a name (names are unique): who a command acts as (--by, NOTONELESS_USER).
// Users made before user ids existed answer with their name as their id.
// @example {"name": "示例用户"}
MATCH (u:User {name: $name})
RETURN u.name AS name, u.role AS role, u.division AS division, coalesce(u.user_id, u.name) AS user_id
