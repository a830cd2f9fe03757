// The audit events of a division, newest first (GET /audit): events made by its users
// (division under $division) or about a person in it (one of their records registered
// under $division), filtered by user ($user: a name or user id), person ($person_id),
// kind ($action) and time ($since ≤ at < $until, ISO 8601); any filter null = all.
// @example {"division": "431202", "user": null, "person_id": null, "action": "trail_read", "since": "2025-10-01T00:00:00Z", "until": null, "limit": 50, "offset": 0}
MATCH (a:AuditEvent)
WHERE ($action IS NULL OR a.action = $action)
  AND ($since IS NULL OR a.at >= datetime($since))
  AND ($until IS NULL OR a.at < datetime($until))
  AND ($user IS NULL OR a.by = $user OR a.user_id = $user)
  AND ($person_id IS NULL OR a.person_id = $person_id OR $person_id IN a.person_ids)
  AND (a.division STARTS WITH $division OR a.town STARTS WITH $division
       OR EXISTS { MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord)
                   WHERE p.person_id IN coalesce(a.person_ids, [a.person_id]) AND r.division_code STARTS WITH $division })
WITH a ORDER BY a.at DESC, a.event_id
WITH collect(a {.event_id, .action, .by, .user_id, .role, .division, .person_id, .person_ids, .fields, .decision_id,
                .town, .target, .source, at: toString(a.at)}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
