// What the run did to the case `c` as the caller sees it, from its CaseChange `ch` of that
// run (cases/record_changes; null when the run did not reconcile the case): a hand-off is
// transferred_in for the county that received it and, seen from the county it left
// ($county, or the caller's division when that does not hold the new county),
// transferred_out. Placed by {{case_change_seen}} into api/cases/list, web/cases and
// web/dashboard. Parameters: $county (null: none), $division, $school.
CASE WHEN ch.change = 'transferred_in'
          AND (($county IS NOT NULL AND ch.from_county = $county)
               OR ($county IS NULL AND $school IS NULL AND ch.from_county STARTS WITH $division
                   AND NOT c.responsible_county STARTS WITH $division))
     THEN 'transferred_out' ELSE ch.change END
