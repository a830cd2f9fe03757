// The Run node of one `notoneless run`: its id, the manifest and when it started.
// @example {"run_id": "example", "name": "示例 2025秋 比对", "province_code": "43", "term": "2025秋", "reference_date": "2025-10-15", "bundle": "/data/bundle", "started_at": "2025-10-16T08:00:00Z"}
MERGE (r:Run {run_id: $run_id})
SET r.name = $name, r.province_code = $province_code, r.term = $term, r.reference_date = date($reference_date),
    r.bundle = $bundle, r.started_at = datetime($started_at)
