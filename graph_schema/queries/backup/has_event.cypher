// `notoneless restore`: a case's events, (Case)-[:HAS_EVENT]->(CaseEvent).
// @example {"rows": [{"start": "KB-431224-EXAMPLE", "end": "KB-431224-EXAMPLE|1", "props": {}}]}
UNWIND $rows AS row
MATCH (a:Case {case_id: row.start})
MATCH (b:CaseEvent {event_id: row.end})
CREATE (a)-[r:HAS_EVENT]->(b)
SET r = row.props
