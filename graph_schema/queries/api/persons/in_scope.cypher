// Whether a person is in the caller's scope (api/access.py: $division is a code prefix,
// $school a 学校标识码, one of them null): one row when it exists and is in scope.
// @example {"person_id": "P000001", "division": "43", "school": null}
MATCH (p:Person {person_id: $person_id})
WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
RETURN p.person_id AS person_id
