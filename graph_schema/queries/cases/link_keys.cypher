// What link_cases needs of the cases it has work for: its person, county and opening run,
// for each case that lacks one of those links to a node that exists (a new case, a merged
// person's new node, a restored ledger). A case already linked to all three is left out:
// link_cases would MERGE what is there. Each test is a short expansion from the case.
// @example {}
MATCH (c:Case)
WHERE (c.person_id IS NOT NULL
       AND NOT EXISTS { (c)-[:ABOUT]->(p:Person) WHERE p.person_id = c.person_id }
       AND EXISTS { (p:Person {person_id: c.person_id}) })
   OR (c.responsible_county IS NOT NULL
       AND NOT EXISTS { (c)-[:RESPONSIBLE_COUNTY]->(d:Division) WHERE d.code = c.responsible_county }
       AND EXISTS { (d:Division {code: c.responsible_county}) })
   OR (c.opened_run IS NOT NULL
       AND NOT EXISTS { (c)-[:OPENED_IN]->(r:Run) WHERE r.run_id = c.opened_run }
       AND EXISTS { (r:Run {run_id: c.opened_run}) })
RETURN c.case_id AS case_id, c.person_id AS person_id, c.responsible_county AS county, c.opened_run AS opened_run
