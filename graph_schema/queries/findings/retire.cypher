// Marks the findings of earlier runs that this run did not find again (active = false).
// @example {"run_id": "example"}
MATCH (f:Finding)
WHERE f.active = true AND f.run_id <> $run_id
SET f.active = false
RETURN count(f) AS retired
