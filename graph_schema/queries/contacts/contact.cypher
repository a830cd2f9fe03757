// Contacts by id ($contact_ids: one for an action, a county's for a page's choice list), and
// whether the caller may act on each and see it. A contact belongs to a
// county (c.county_code: load/contact_counties, or the county it was registered for): it
// is in scope for callers of that county or above it; for a town's or a school's caller
// in that county, only while it has no responsibility yet or one of its responsibilities
// is for a village, household or person in their scope (as contacts/targets_in_scope).
// No row for an unknown contact; in_scope false for a contact with no county.
// @example {"contact_ids": ["C0001"], "division": "43", "school": null}
UNWIND $contact_ids AS contact_id
MATCH (c:Contact {contact_id: contact_id})
WITH c, c.county_code AS county
RETURN c.contact_id AS contact_id, c.name AS name, c.phone AS phone, c.unit AS unit, c.status AS status,
       county AS county_code,
       (county IS NOT NULL
        AND (($school IS NULL AND county STARTS WITH $division)
             OR (($school IS NULL AND $division STARTS WITH county)
                 OR EXISTS { MATCH (sc:School {school_id: $school}) WHERE sc.county_code = county })
                AND (NOT EXISTS { (c)-[:RESPONSIBLE_FOR]->() }
                     OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(d:Division)
                                 WHERE $school IS NULL AND d.code STARTS WITH $division }
                     OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(:Household)<-[:MEMBER_OF]-(r:SourceRecord)
                                 WHERE $school IS NULL AND r.division_code STARTS WITH $division }
                     OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(:Person)-[:HAS_RECORD]->(sr:SourceRecord)
                                 WHERE $school IS NULL AND sr.division_code STARTS WITH $division }
                     OR EXISTS { MATCH (c)-[:RESPONSIBLE_FOR]->(:Person)-[:HAS_RECORD]->(:SourceRecord)
                                       -[:ENROLLED_AT]->(sc:School)
                                 WHERE sc.school_id = $school })))
       AS in_scope
ORDER BY contact_id
