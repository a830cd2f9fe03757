// Removes the load marker before a load writes anything: a load that stops half-way
// leaves no marker, so the next run loads in full (graph/load.py).
// @example {}
MATCH (m:GraphLoad)
DETACH DELETE m
RETURN count(*) AS cleared
