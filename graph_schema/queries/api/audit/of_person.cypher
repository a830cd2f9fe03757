// A person's audit events (reads of full numbers, identity decisions about their records), newest first.
// @example {"person_id": "P000001", "limit": 50, "offset": 0}
MATCH (a:AuditEvent)
WHERE a.person_id = $person_id
WITH a ORDER BY a.at DESC, a.event_id
WITH collect(a {.event_id, .action, .by, .role, .division, .person_id, .fields, .decision_id,
                 at: toString(a.at)}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
