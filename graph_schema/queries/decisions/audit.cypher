// Audit events of an identity decision, one per person concerned (the persons' audit
// trail lists who decided what about their records). Created, never updated.
// @example {"rows": [{"event_id": "A-decision-example", "action": "identity_decision", "by": "示例用户", "role": "县级数据员", "division": "431202", "person_id": "P000001", "fields": ["hukou:1", "xueji:1"], "decision_id": "D20251020T080000-0000abcd", "verdict": "same", "at": "2025-10-20T08:00:00Z"}]}
UNWIND $rows AS row
CREATE (a:AuditEvent)
SET a = row, a.at = datetime(row.at)
RETURN count(a) AS written
