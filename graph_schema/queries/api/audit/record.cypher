// Immutable audit events, one per map of $events (access/audit.py event_params): who
// (by, user_id, role, division) read which person's data or full numbers (action: the
// kind, docs/api.md; person_id / person_ids; target: what else, e.g. a record pair),
// when (at) and from where (source: the client's address, or cli:<user>@<host>); who
// read a town's 三包 roster with full phone numbers ($town, no person); or who made an
// identity decision about their records (decision_id, the records in fields).
// Created, never updated or deleted; no query of the project changes one. MERGE on the
// unique event_id: the API's audit journal (api/audits.py) may move an event twice (a
// crash between the commit and the journal's delete, a listing racing a drain), and the
// second time changes nothing.
// @example {"events": [{"event_id": "A-example", "action": "trail_read", "by": "示例用户", "user_id": "U-0123456789ab", "role": "县级数据员", "division": "431202", "person_id": "P000001", "person_ids": ["P000001"], "fields": [], "at": "2025-10-20T08:00:00Z", "decision_id": null, "town": null, "target": null, "source": "127.0.0.1"}]}
UNWIND $events AS e
MERGE (a:AuditEvent {event_id: e.event_id})
ON CREATE SET a.action = e.action, a.by = e.by, a.user_id = e.user_id, a.role = e.role,
    a.division = e.division, a.person_id = e.person_id, a.person_ids = e.person_ids, a.fields = e.fields,
    a.at = datetime(e.at), a.decision_id = e.decision_id, a.town = e.town, a.target = e.target, a.source = e.source
RETURN count(a) AS written
