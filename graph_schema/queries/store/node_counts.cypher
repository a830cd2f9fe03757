// Nodes per label, read from the count store (GraphStore.node_counts(), `graph status`).
// The load's own marker (GraphLoad, graph/load.py) is bookkeeping, not data: not counted.
CALL db.labels() YIELD label
WITH label
WHERE label <> 'GraphLoad'
CALL (label) {
  MATCH (n:$(label))
  RETURN count(n) AS nodes
}
RETURN label, nodes
ORDER BY label
