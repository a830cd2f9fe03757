// Takes the case's write lock and returns its current properties (cases/ledger.py act):
// the SET makes Neo4j lock the node before the properties are read, so a second officer
// acting at the same moment waits here and then sees the first officer's result.
// @example {"case_id": "KB-431222-0000000000", "at": "2025-10-20T08:00:00Z"}
MATCH (c:Case {case_id: $case_id})
SET c.updated_at = $at
RETURN c {.*} AS case
