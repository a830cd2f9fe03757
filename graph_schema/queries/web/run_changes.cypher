// The 本月数据 pages (web/runs.py): what runs $run_ids did to the cases of the caller's
// division, counted by run, change kind and case type. A case is the division's when its
// responsible county, town or village lies under $division (its school is $school for
// role 学校), as it is now. A case a run handed from a county of the division to one
// outside it counts there as transferred_out (as cases/changes.cypher does for a county).
// @example {"run_ids": ["20251020T080000Z-abc"], "division": "43", "school": null}
MATCH (ch:CaseChange)
WHERE ch.run_id IN $run_ids
MATCH (c:Case {case_id: ch.case_id})
WITH ch, c,
     (($school IS NULL AND (c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
                            OR c.responsible_village STARTS WITH $division))
      OR ($school IS NOT NULL AND c.responsible_school = $school)) AS mine
WITH ch, c, mine,
     CASE WHEN ch.change = 'transferred_in' AND NOT mine AND $school IS NULL AND ch.from_county STARTS WITH $division
          THEN 'transferred_out' ELSE ch.change END AS change
WHERE mine OR change = 'transferred_out'
RETURN ch.run_id AS run_id, change, c.case_type AS case_type, c.type_label AS type_label, count(*) AS cases
ORDER BY run_id, change, case_type
