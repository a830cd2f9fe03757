// Moves the match keys of cases merged into another case out of the way before the
// surviving case takes the shared key (the merge itself is recorded as a CaseEvent).
// @example {"rows": [{"case_id": "KB-431222-0000000000", "match_key": "dropout|P000002#并入KB-431222-1111111111"}]}
UNWIND $rows AS row
MATCH (c:Case {case_id: row.case_id})
SET c.match_key = row.match_key
