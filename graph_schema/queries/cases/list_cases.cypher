// Work list (cases list / export): cases filtered by responsible county, state, type
// and overdue (deadline before $today and not 销号); null filters match everything. A
// county also sees, read-only, the cases it handed to another county until accepted.
// @example {"county": "431222", "state": null, "case_type": null, "overdue": false, "today": "2025-10-20"}
MATCH (c:Case)
WHERE ($county IS NULL OR c.responsible_county = $county OR c.transfer_from = $county)
  AND ($state IS NULL OR c.state = $state)
  AND ($case_type IS NULL OR c.case_type = $case_type)
  AND (NOT $overdue OR (c.deadline < $today AND c.state <> '销号'))
RETURN c {.*} AS case
ORDER BY c.deadline, c.case_id
