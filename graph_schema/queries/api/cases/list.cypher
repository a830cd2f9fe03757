// Cases (台账) with filters, within the caller's scope (the case's responsible county,
// town or village under $division, its school for role 学校, or its person in scope),
// ordered by deadline then case id, one page.
// @example {"state": null, "case_type": null, "county": null, "town": null, "person_id": null, "overdue": false, "today": "2025-10-20", "division": "43", "school": null, "limit": 50, "offset": 0}
MATCH (c:Case)
WHERE ($state IS NULL OR c.state = $state)
  AND ($case_type IS NULL OR c.case_type = $case_type)
  AND ($county IS NULL OR c.responsible_county = $county)
  AND ($town IS NULL OR c.responsible_town = $town)
  AND ($person_id IS NULL OR c.person_id = $person_id)
  AND (NOT $overdue OR (c.deadline < date($today) AND c.state <> '销号'))
  AND (($school IS NULL
        AND (c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
             OR c.responsible_village STARTS WITH $division))
       OR ($school IS NOT NULL AND c.responsible_school = $school)
       OR EXISTS { MATCH (c)-[:ABOUT]->(p:Person) WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school }) })
WITH c ORDER BY c.deadline, c.case_id
WITH collect(c {.case_id, .case_type, .type_label, .state, .title, .version, .person_id, .name, .subject,
                .responsible_county, .responsible_town, .responsible_village, .responsible_school,
                deadline: toString(c.deadline), opened_at: toString(c.opened_at),
                updated_at: toString(c.updated_at)}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
