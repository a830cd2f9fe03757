// One review item with both records side by side (each with its person's id and best
// name), when either record's person is in the scope ($division / $school; both null: any).
// @example {"review_id": "R0123456789ab", "division": null, "school": null}
MATCH (c:IdentityConflict {review_id: $review_id})
WHERE ($division IS NULL AND $school IS NULL)
   OR EXISTS {
        MATCH (c)-[:CONCERNS]->(:SourceRecord)<-[:HAS_RECORD]-(p:Person)
        WHERE ($school IS NULL
               AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
                    OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                                WHERE sc.county_code STARTS WITH $division }))
           OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                       WHERE sc.school_id = $school } }
RETURN c {.*} AS review,
       COLLECT {
         MATCH (c)-[x:CONCERNS]->(r:SourceRecord)<-[:HAS_RECORD]-(p:Person)
         RETURN r {.*, side: x.side, person_id: p.person_id, person_name: p.name} AS record
         ORDER BY x.side
       } AS records
