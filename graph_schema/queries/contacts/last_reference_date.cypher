// The reference date (比对基准日) of the newest finished run: the default month of a visit
// list and the as-of date of a roster. No row before the first run.
// @example {}
MATCH (r:Run)
WHERE r.finished_at IS NOT NULL
RETURN r.reference_date AS reference_date
ORDER BY r.started_at DESC, r.run_id DESC
LIMIT 1
