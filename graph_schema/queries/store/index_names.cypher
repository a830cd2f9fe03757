// The names of the indexes the graph has (a uniqueness constraint's own index among them):
// GraphStore.init_schema applies only the statements of indexes.cypher whose indexes are not among them.
SHOW INDEXES YIELD name
RETURN name
