// Deletes up to $limit review items of earlier runs (the queue is rebuilt by each run).
// @example {"run_id": "example", "limit": 1000}
MATCH (c:IdentityConflict)
WHERE c.run_id <> $run_id
WITH c LIMIT $limit
DETACH DELETE c
RETURN count(*) AS removed
