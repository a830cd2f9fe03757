// The 工作台 page: every case within the caller's scope (fragments/case_scope), counted
// by type, state and what the run $run_id did to it as the caller sees it
// (fragments/case_change_seen, $county null; null when the run did not reconcile it or
// $run_id is null), with how many are overdue (open, deadline before $today) and how
// many fall due within 7 days of $today. One pass: the page sums the open cases by type
// and state, and the cases by change. The change is looked up by (run_id, case_id)
// (index case_change_run_case).
// @example {"today": "2025-10-20", "division": "43", "school": null, "county": null, "run_id": "20251020T080000Z-abc"}
MATCH (c:Case)
WHERE {{case_scope}}
OPTIONAL MATCH (ch:CaseChange {run_id: $run_id, case_id: c.case_id})
WITH c, {{case_change_seen}} AS change, c.state <> '销号' AS open
RETURN c.case_type AS case_type, c.type_label AS type_label, c.state AS state, change, count(*) AS cases,
       sum(CASE WHEN open AND c.deadline < date($today) THEN 1 ELSE 0 END) AS overdue,
       sum(CASE WHEN open AND c.deadline >= date($today) AND c.deadline <= date($today) + duration({days: 7})
                THEN 1 ELSE 0 END) AS due_soon
ORDER BY case_type, state, change
