// `notoneless restore`: the nodes of a backup, each with its labels and properties as
// they were (the typed values rebuilt by notoneless.backup before they are sent).
// @example {"rows": [{"labels": ["AuditEvent"], "props": {"event_id": "AE-backup-example", "action": "trail_read", "by": "县数据员", "at": "2025-10-16T08:00:00Z"}}]}
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
