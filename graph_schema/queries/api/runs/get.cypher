// One run with its counts and summary.
// @example {"run_id": "example"}
MATCH (r:Run {run_id: $run_id})
RETURN r {.run_id, .name, .province_code, .term, .records, .persons, .rejects, .findings, .summary_json,
          reference_date: toString(r.reference_date), started_at: toString(r.started_at),
          finished_at: toString(r.finished_at)} AS run
