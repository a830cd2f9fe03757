// A person's audit trail, newest first: their AuditEvents (reads of their data, reads of
// full numbers, identity decisions about their records) and the officers' 三包 assignment events about
// them or one of their households (action contact_assign / contact_release; the event id
// is the assignment's id).
// @example {"person_id": "P000001", "limit": 50, "offset": 0}
CALL () {
  MATCH (a:AuditEvent)
  WHERE a.person_id = $person_id
  RETURN a {.event_id, .action, .by, .user_id, .role, .division, .person_id, .person_ids, .fields, .decision_id,
            .target, .source, assignment_id: null, at: toString(a.at)} AS event, a.at AS at
  UNION
  MATCH (a:AuditEvent)
  WHERE a.person_id IS NULL AND $person_id IN a.person_ids
  RETURN a {.event_id, .action, .by, .user_id, .role, .division, .person_id, .person_ids, .fields, .decision_id,
            .target, .source, assignment_id: null, at: toString(a.at)} AS event, a.at AS at
  UNION
  MATCH (:Person {person_id: $person_id})<-[:CONCERNS]-(c:ContactAssignment)
  RETURN {event_id: c.assignment_id, action: 'contact_' + c.action, by: c.made_by, role: null, division: null,
          person_id: $person_id, fields: [], decision_id: null, assignment_id: c.assignment_id,
          at: toString(c.made_at)} AS event, c.made_at AS at
  UNION
  MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(:Household)
        <-[:CONCERNS]-(c:ContactAssignment)
  RETURN {event_id: c.assignment_id, action: 'contact_' + c.action, by: c.made_by, role: null, division: null,
          person_id: $person_id, fields: [], decision_id: null, assignment_id: c.assignment_id,
          at: toString(c.made_at)} AS event, c.made_at AS at
}
WITH event ORDER BY at DESC, event.event_id
WITH collect(event) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
