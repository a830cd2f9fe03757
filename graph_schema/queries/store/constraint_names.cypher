// The names of the constraints the graph has: GraphStore.init_schema applies only the
// statements of constraints.cypher whose constraints are not among them.
SHOW CONSTRAINTS YIELD name
RETURN name
