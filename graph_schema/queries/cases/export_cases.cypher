// Every case of a responsible county with its latest event, for the county's ledgers
// (cases export), and the cases it handed to another county that are not yet accepted
// (transfer_from: it reads them until then). The latest event is the one whose seq
// equals the case's version.
// @example {"county": "431222"}
MATCH (c:Case)
WHERE c.responsible_county = $county OR c.transfer_from = $county
RETURN c {.*} AS case,
       COLLECT { MATCH (c)-[:HAS_EVENT]->(e:CaseEvent) WHERE e.seq = c.version
                 RETURN e {.by, .action, .at} }[0] AS last_event
ORDER BY c.case_type, c.responsible_town, c.deadline, c.case_id
