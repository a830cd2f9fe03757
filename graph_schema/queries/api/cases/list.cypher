// Cases (台账) with filters, within the caller's scope (fragments/case_scope), ordered by
// deadline then case id, one page. Each case carries what run $run_id did to it as the
// caller sees it (fragments/case_change_seen: its CaseChange, a hand-off transferred_out
// seen from the county it left; null when that run did not reconcile it). A case is
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
CALL (c) { WITH c WHERE {{case_scope}} RETURN true AS in_scope }  // after the filters above
WITH c, NOT EXISTS { MATCH (u:User {role: '县级数据员', division: c.responsible_county})
                     WHERE NOT coalesce(u.disabled, false) } AS unowned
WHERE NOT $unowned OR unowned
OPTIONAL MATCH (ch:CaseChange {run_id: $run_id, case_id: c.case_id})
WITH c, ch, unowned,
     {{case_change_seen}} AS change
WHERE $change IS NULL OR change = $change
WITH c, ch, change, unowned ORDER BY c.deadline, c.case_id
WITH collect(c {.case_id, .case_type, .type_label, .state, .title, .version, .person_id, .name, .subject,
                .responsible_county, .responsible_town, .responsible_village, .responsible_school,
                .transfer_from, deadline: toString(c.deadline), opened_at: toString(c.opened_at),
                updated_at: toString(c.updated_at), change: change, change_reason: ch.reason,
                unowned: unowned}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
