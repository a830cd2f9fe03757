// Nodes per label, read from the count store (GraphStore.node_counts(), `graph status`).
CALL db.labels() YIELD label
CALL (label) {
  MATCH (n:$(label))
  RETURN count(n) AS nodes
}
RETURN label, nodes
ORDER BY label
