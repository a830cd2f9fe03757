// Signs a user out of every web session: sessions carry the epoch they began in, and
// one of an older epoch is refused.
// @example {"user_id": "U-000000000000"}
MATCH (u:User)
WHERE coalesce(u.user_id, u.name) = $user_id
SET u.session_epoch = coalesce(properties(u)['session_epoch'], 0) + 1
RETURN u.session_epoch AS session_epoch
