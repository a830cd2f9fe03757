// The latest run that reconciled the ledger (run ids sort by their start time).
// @example {}
MATCH (ch:CaseChange)
WHERE ch.run_id IS NOT NULL
RETURN ch.run_id AS run_id
ORDER BY ch.run_id DESC
LIMIT 1
