// Which of the given record keys belong to a person in the caller's scope (for the
// explanation of a linkage pair), with their person.
// @example {"record_keys": ["hukou:1", "xueji:1"], "division": "43", "school": null}
MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord)
WHERE r.record_key IN $record_keys AND (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
RETURN r.record_key AS record_key, p.person_id AS person_id
ORDER BY record_key
