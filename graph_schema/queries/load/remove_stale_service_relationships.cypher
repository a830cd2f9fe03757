// After a load that wrote every RESPONSIBLE_FOR and every assignment event's CONCERNS
// again (the officers' 三包 events changed since the last load, graph/load.py): deletes up
// to $limit of them that carry an older run_id. Called until it removes fewer than $limit.
// @example {"run_id": "example", "limit": 1000}
CALL () {
  MATCH (:Contact)-[x:RESPONSIBLE_FOR]->()
  WHERE x.run_id <> $run_id
  RETURN x
  UNION
  MATCH (:ContactAssignment)-[x:CONCERNS]->()
  WHERE x.run_id <> $run_id
  RETURN x
}
WITH x LIMIT $limit
DELETE x
RETURN count(*) AS removed
