// Runs of `notoneless run`, newest first, with their counts and summary.
// @example {"limit": 20, "offset": 0}
MATCH (r:Run)
WITH r ORDER BY r.started_at DESC, r.run_id DESC
WITH collect(r {.run_id, .name, .province_code, .term, .records, .persons, .rejects, .findings, .summary_json,
                reference_date: toString(r.reference_date), started_at: toString(r.started_at),
                finished_at: toString(r.finished_at)}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
