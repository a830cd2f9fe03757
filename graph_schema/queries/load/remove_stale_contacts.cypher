// After a load that wrote every Contact again (the officers' 三包 events changed since the
// last load, graph/load.py): deletes up to $limit contacts that carry an older run_id,
// with their relationships. Called until it removes fewer than $limit.
// @example {"run_id": "example", "limit": 1000}
MATCH (c:Contact)
WHERE c.run_id <> $run_id
WITH c LIMIT $limit
DETACH DELETE c
RETURN count(*) AS removed
