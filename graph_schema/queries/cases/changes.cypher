// The change feed of one run (cases/record_changes), with each case's type, county,
// state and title; filtered by county and change kind when given.
// @example {"run_id": "20251020T080000Z-abc", "county": "431222", "change": null}
MATCH (ch:CaseChange {run_id: $run_id})
WHERE $change IS NULL OR ch.change = $change
MATCH (c:Case {case_id: ch.case_id})
WHERE $county IS NULL OR c.responsible_county = $county
RETURN ch.case_id AS case_id, c.case_type AS case_type, c.type_label AS type_label,
       c.responsible_county AS responsible_county, ch.change AS change, ch.reason AS reason, c.state AS state,
       c.title AS title, c.person_id AS person_id
ORDER BY change, case_id
