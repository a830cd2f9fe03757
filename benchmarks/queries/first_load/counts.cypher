// Nodes and relationships in the graph, from the count store (benchmarks/first_load.py).
// @example {}
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
