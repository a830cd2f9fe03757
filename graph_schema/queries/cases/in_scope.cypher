// Whether a case is in the caller's scope: one row when it exists and is. A county also
// sees the cases it handed over until accepted (cases/ledger.py lets only the new one act).
// @example {"case_id": "KB-431222-0000000000", "division": "43", "school": null}
MATCH (c:Case {case_id: $case_id})
WHERE (($school IS NULL
        AND (c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
             OR c.responsible_village STARTS WITH $division OR c.transfer_from STARTS WITH $division))
       OR ($school IS NOT NULL AND c.responsible_school = $school)
       OR EXISTS { MATCH (c)-[:ABOUT]->(p:Person) WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school }) })
RETURN c.case_id AS case_id
