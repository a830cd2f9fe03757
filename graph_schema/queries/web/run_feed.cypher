// The change feed of run $run_id for the caller's division (web/runs.py, /app/runs/{id}):
// one row per case the run reconciled, with what it did and why (cases/record_changes),
// scoped and counted as web/run_changes.cypher; each row with the case's type, state,
// title, child (name, ID number for masking), county and town with their names.
// @example {"run_id": "20251020T080000Z-abc", "division": "43", "school": null}
MATCH (ch:CaseChange {run_id: $run_id})
MATCH (c:Case {case_id: ch.case_id})
WITH ch, c,
     (($school IS NULL AND (c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
                            OR c.responsible_village STARTS WITH $division))
      OR ($school IS NOT NULL AND c.responsible_school = $school)) AS mine
WITH ch, c,
     CASE WHEN ch.change = 'transferred_in' AND NOT mine AND $school IS NULL AND ch.from_county STARTS WITH $division
          THEN 'transferred_out' ELSE ch.change END AS change, mine
WHERE mine OR change = 'transferred_out'
OPTIONAL MATCH (c)-[:ABOUT]->(p:Person)
OPTIONAL MATCH (county:Division {code: c.responsible_county})
OPTIONAL MATCH (town:Division {code: c.responsible_town})
RETURN ch.case_id AS case_id, change, ch.reason AS reason, ch.from_county AS from_county,
       c.case_type AS case_type, c.type_label AS type_label, c.state AS state, c.title AS title,
       c.person_id AS person_id, c.name AS name, p.id_number AS id_number, c.deadline AS deadline,
       c.responsible_county AS responsible_county, county.name AS county_name,
       c.responsible_town AS responsible_town, town.name AS town_name
ORDER BY change, c.case_type, ch.case_id
