// Who downloaded a 三包 roster with full phone numbers (AuditEvent action roster_reveal),
// newest first, for the towns under $division (a code prefix).
// @example {"division": "431224", "limit": 50, "offset": 0}
MATCH (a:AuditEvent {action: 'roster_reveal'})
WHERE a.town STARTS WITH $division
WITH a ORDER BY a.at DESC, a.event_id
WITH collect(a {.event_id, .action, .by, .role, .division, .person_id, .fields, .town, at: toString(a.at)}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
