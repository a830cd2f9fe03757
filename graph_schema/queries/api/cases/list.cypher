// Cases (台账) with filters, within the caller's scope (the case's responsible county,
// town or village under $division, the county that handed it over until accepted, its
// school for role 学校, or its person in scope), ordered by deadline then case id, one
// page. Each case carries what run $run_id did to it (its CaseChange; null when that
// run did not reconcile it): a hand-off is transferred_out seen from the county it left
// ($county, or the caller's division when it does not hold the new county). A case is
// unowned (无人负责) when no enabled 县级数据员 holds its responsible county; $unowned keeps
// only those (the prefecture's or province's view of cases nobody works).
// @example {"state": null, "case_type": null, "county": null, "town": null, "person_id": null, "overdue": false, "today": "2025-10-20", "division": "43", "school": null, "run_id": "20251020T080000Z-abc", "change": null, "unowned": false, "limit": 50, "offset": 0}
MATCH (c:Case)
WHERE ($state IS NULL OR c.state = $state)
  AND ($case_type IS NULL OR c.case_type = $case_type)
  AND ($county IS NULL OR c.responsible_county = $county OR c.transfer_from = $county)
  AND ($town IS NULL OR c.responsible_town = $town)
  AND ($person_id IS NULL OR c.person_id = $person_id)
  AND (NOT $overdue OR (c.deadline < date($today) AND c.state <> '销号'))
  AND (($school IS NULL
        AND (c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
             OR c.responsible_village STARTS WITH $division OR c.transfer_from STARTS WITH $division))
       OR ($school IS NOT NULL AND c.responsible_school = $school)
       OR EXISTS { MATCH (c)-[:ABOUT]->(p:Person) WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school }) })
WITH c, NOT EXISTS { MATCH (u:User {role: '县级数据员', division: c.responsible_county})
                     WHERE NOT coalesce(u.disabled, false) } AS unowned
WHERE NOT $unowned OR unowned
OPTIONAL MATCH (ch:CaseChange {run_id: $run_id, case_id: c.case_id})
WITH c, ch, unowned,
     CASE WHEN ch.change = 'transferred_in'
               AND (($county IS NOT NULL AND ch.from_county = $county)
                    OR ($county IS NULL AND $school IS NULL AND ch.from_county STARTS WITH $division
                        AND NOT c.responsible_county STARTS WITH $division))
          THEN 'transferred_out' ELSE ch.change END AS change
WHERE $change IS NULL OR change = $change
WITH c, ch, change, unowned ORDER BY c.deadline, c.case_id
WITH collect(c {.case_id, .case_type, .type_label, .state, .title, .version, .person_id, .name, .subject,
                .responsible_county, .responsible_town, .responsible_village, .responsible_school,
                .transfer_from, deadline: toString(c.deadline), opened_at: toString(c.opened_at),
                updated_at: toString(c.updated_at), change: change, change_reason: ch.reason,
                unowned: unowned}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
