// Completes the Run node: counts (records, persons, rejects, findings per kind) and
// the summary as JSON, when it finished.
// @example {"run_id": "example", "records": 10, "persons": 5, "rejects": 1, "findings": 3, "summary_json": "{}", "finished_at": "2025-10-16T08:05:00Z"}
MATCH (r:Run {run_id: $run_id})
SET r.records = $records, r.persons = $persons, r.rejects = $rejects, r.findings = $findings,
    r.summary_json = $summary_json, r.finished_at = datetime($finished_at)
