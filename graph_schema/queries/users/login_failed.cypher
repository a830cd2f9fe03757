// One more failed sign-in of a user; the $max-th in a row locks the account until
// $locked_until (and starts the count again). Returns whether this one locked it.
// @example {"name": "示例用户", "max": 5, "locked_until": "2025-10-20T08:15:00Z"}
MATCH (u:User {name: $name})
WITH u, coalesce(properties(u)['failed_logins'], 0) + 1 AS failed
SET u.failed_logins = CASE WHEN failed >= $max THEN 0 ELSE failed END,
    u.locked_until = CASE WHEN failed >= $max THEN datetime($locked_until) ELSE properties(u)['locked_until'] END
RETURN failed >= $max AS locked, failed AS failed
