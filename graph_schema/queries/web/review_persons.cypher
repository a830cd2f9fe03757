// The persons of review items (身份核查 pages): each person's best name and, when
// $records, all their source records (the review page shows the other records of both
// persons, because an officer decides about people, not rows). No scope here: the page
// reads only the persons of a review already checked against the officer's scope.
// @example {"person_ids": ["P000001"], "records": true}
MATCH (p:Person)
WHERE p.person_id IN $person_ids
RETURN p.person_id AS person_id, p.name AS name,
       CASE WHEN $records THEN COLLECT {
         MATCH (p)-[:HAS_RECORD]->(r:SourceRecord)
         OPTIONAL MATCH (r)-[:ENROLLED_AT]->(s:School)
         RETURN r {.*, school_name: s.name} AS record ORDER BY record.record_key
       } ELSE [] END AS records
ORDER BY person_id
