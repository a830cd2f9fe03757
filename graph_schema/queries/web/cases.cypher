// The 台账 page (web/pages.py): cases within the caller's scope (fragments/case_scope, as
// api/cases/list.cypher), filtered by type, state, town, overdue, a search ($q: a name,
// or the child's ID number), and what the run $change_run did to the case as the caller
// sees it ($change, fragments/case_change_seen; $county null); sorted by $sort
// (deadline, -deadline, case_id, state, type; then case id), one page. Each row carries
// the child's ID number (masked by the page) and the names of the county and town.
// @example {"state": null, "case_type": null, "town": null, "overdue": false, "q": null, "id_number": null, "change": "new", "change_run": "20251020T080000Z-abc", "county": null, "sort": "deadline", "today": "2025-10-20", "division": "43", "school": null, "limit": 50, "offset": 0}
MATCH (c:Case)
WHERE ($state IS NULL OR c.state = $state)
  AND ($case_type IS NULL OR c.case_type = $case_type)
  AND ($town IS NULL OR c.responsible_town = $town)
  AND (NOT $overdue OR (c.deadline < date($today) AND c.state <> '销号'))
  AND ($q IS NULL OR c.name CONTAINS $q OR c.case_id = $q
       OR ($id_number IS NOT NULL AND EXISTS { MATCH (c)-[:ABOUT]->(p:Person) WHERE p.id_number = $id_number }))
CALL (c) { WITH c WHERE {{case_scope}} RETURN true AS in_scope }  // after the filters above
OPTIONAL MATCH (ch:CaseChange {run_id: $change_run, case_id: c.case_id})
WITH c, {{case_change_seen}} AS change
WHERE $change IS NULL OR change = $change
WITH c
ORDER BY CASE WHEN $sort = 'deadline' THEN c.deadline END ASC,
         CASE WHEN $sort = '-deadline' THEN c.deadline END DESC,
         CASE WHEN $sort = 'state' THEN c.state END ASC,
         CASE WHEN $sort = 'type' THEN c.case_type END ASC,
         c.case_id
WITH collect(c) AS found
UNWIND found[$offset..$offset + $limit] AS c
OPTIONAL MATCH (c)-[:ABOUT]->(p:Person)
OPTIONAL MATCH (county:Division {code: c.responsible_county})
OPTIONAL MATCH (town:Division {code: c.responsible_town})
RETURN size(found) AS total,
       collect(c {.case_id, .case_type, .type_label, .state, .title, .version, .person_id, .name,
                  .responsible_county, .responsible_town, county_name: county.name, town_name: town.name,
                  id_number: p.id_number, deadline: c.deadline}) AS items
