// The 工作台 page: the open cases (not 销号) within the caller's scope (as
// web/cases.cypher), counted by type and state, with how many are overdue and how many
// fall due within 7 days of $today.
// @example {"today": "2025-10-20", "division": "43", "school": null}
MATCH (c:Case)
WHERE c.state <> '销号'
  AND (($school IS NULL
        AND (c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
             OR c.responsible_village STARTS WITH $division))
       OR ($school IS NOT NULL AND c.responsible_school = $school)
       OR EXISTS { MATCH (c)-[:ABOUT]->(p:Person) WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school }) })
RETURN c.case_type AS case_type, c.type_label AS type_label, c.state AS state, count(*) AS open,
       sum(CASE WHEN c.deadline < date($today) THEN 1 ELSE 0 END) AS overdue,
       sum(CASE WHEN c.deadline >= date($today) AND c.deadline <= date($today) + duration({days: 7}) THEN 1 ELSE 0 END)
         AS due_soon
ORDER BY case_type, state
