// One immutable audit event (who read which person's full ID/phone numbers, when, which
// fields; who read a town's 三包 roster with full phone numbers: $town, no person; or who
// made an identity decision about their records: $decision_id, the records in fields).
// Created, never updated or deleted; no query of the project changes one.
// @example {"event_id": "A-example", "action": "roster_reveal", "by": "示例用户", "role": "县级数据员", "division": "431202", "person_id": null, "fields": ["phone"], "at": "2025-10-20T08:00:00Z", "decision_id": null, "town": "431202101"}
CREATE (a:AuditEvent)
SET a.event_id = $event_id, a.action = $action, a.by = $by, a.role = $role, a.division = $division,
    a.person_id = $person_id, a.fields = $fields, a.at = datetime($at), a.decision_id = $decision_id,
    a.town = $town
RETURN a.event_id AS event_id
