// A user signing in on the web pages, by name: who they are, their password hash, how
// many sign-ins failed in a row, until when they are locked, whether they are disabled,
// and their session epoch (a sign-out ends every session of an older epoch). Read
// through properties(): users made before web passwords existed have none of these.
// @example {"name": "示例用户"}
MATCH (u:User {name: $name})
WITH u, properties(u) AS p
RETURN u.name AS name, u.role AS role, u.division AS division, coalesce(u.user_id, u.name) AS user_id,
       p['password_hash'] AS password_hash, coalesce(p['failed_logins'], 0) AS failed_logins,
       toString(p['locked_until']) AS locked_until, coalesce(u.disabled, false) AS disabled,
       coalesce(p['session_epoch'], 0) AS session_epoch
