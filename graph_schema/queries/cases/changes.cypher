// The change feed of one run (cases/record_changes), with each case's type, county,
// state and title; filtered by county and change kind when given. A case the run handed
// from one county to another is transferred_in for the new county and, seen from the
// county it left, transferred_out.
// @example {"run_id": "20251020T080000Z-abc", "county": "431222", "change": null}
MATCH (ch:CaseChange {run_id: $run_id})
MATCH (c:Case {case_id: ch.case_id})
WITH ch, c,
     CASE WHEN ch.change = 'transferred_in' AND $county IS NOT NULL AND ch.from_county = $county
          THEN 'transferred_out' ELSE ch.change END AS change
WHERE ($county IS NULL OR c.responsible_county = $county OR change = 'transferred_out')
  AND ($change IS NULL OR change = $change)
RETURN ch.case_id AS case_id, c.case_type AS case_type, c.type_label AS type_label,
       c.responsible_county AS responsible_county, change, ch.reason AS reason, c.state AS state,
       c.title AS title, c.person_id AS person_id, c.name AS name, ch.from_county AS from_county
ORDER BY change, case_id
