// A person and their source records (the person's detail), when in the caller's scope.
// @example {"person_id": "P000001", "division": "43", "school": null}
MATCH (p:Person {person_id: $person_id})
WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
RETURN p {.person_id, .name, .sex, .id_number, .record_count, .sources, birth_date: toString(p.birth_date),
                 village: p.home_code, registration_county: p.reg_county, school_county: p.school_county} AS person,
       p {.compulsory_age, .enrolled, .studying, .unmatched, .target, .fupin, .dibao, .tekun, .disabled,
          .excluded, .study_county} AS status,
       COLLECT {
         MATCH (p)-[:HAS_RECORD]->(r:SourceRecord)
         OPTIONAL MATCH (r)-[:ENROLLED_AT]->(s:School)
         RETURN r {.*, birth_date: toString(r.birth_date), paid_date: toString(r.paid_date),
                   school_name: s.name, school_county: s.county_code} AS record
         ORDER BY r.source, r.row_no
       } AS records
