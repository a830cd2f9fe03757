// One contact, and whether it is in the caller's scope: it has no responsibility yet,
// or one of its responsibilities is for a village, household or person in scope
// (as contacts/targets_in_scope). No row when the contact is unknown.
// @example {"contact_id": "C0001", "division": "43", "school": null}
MATCH (c:Contact {contact_id: $contact_id})
RETURN c.contact_id AS contact_id, c.name AS name, c.phone AS phone, c.unit AS unit, c.status AS status,
       (NOT EXISTS { (c)-[:RESPONSIBLE_FOR]->() }
        OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(d:Division) WHERE $school IS NULL AND d.code STARTS WITH $division }
        OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(:Household)<-[:MEMBER_OF]-(r:SourceRecord)
                    WHERE $school IS NULL AND r.division_code STARTS WITH $division }
        OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(:Person)-[:HAS_RECORD]->(sr:SourceRecord)
                    WHERE $school IS NULL AND sr.division_code STARTS WITH $division }
        OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(:Person)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                    WHERE ($school IS NULL AND sc.county_code STARTS WITH $division) OR sc.school_id = $school })
       AS in_scope
