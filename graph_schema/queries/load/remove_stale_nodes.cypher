// Deletes up to $limit nodes the load owns that an earlier run wrote and this run did
// not, with their relationships. Findings and Runs are history and stay.
// @example {"run_id": "example", "limit": 1000}
MATCH (n)
WHERE (n:Division OR n:School OR n:Person OR n:SourceRecord OR n:Household OR n:Contact OR n:Visit)
  AND n.run_id <> $run_id
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS removed
