// The graph's load marker (GraphLoad, one node): the token of the last completed load,
// written by load/marker_set after all of that load's writes. graph/load.py compares it
// with the workspace's token (graph_load.duckdb) before it trusts the workspace's
// fingerprints for an incremental load.
// @example {}
MATCH (m:GraphLoad)
// {.*}: no property named, so a graph without a marker yet reads without a warning
RETURN m {.*} AS marker
