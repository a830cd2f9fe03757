// Whether the graph holds any node of the load's own labels (a cheap look: each EXISTS
// stops at the first node of its label). None: the graph holds none of a run's data, so
// a full load may CREATE rather than MERGE (graph/load.py, the first load; the queries
// under load/create/). Every relationship the load writes has at least one end of these
// labels, so no node means no relationship either.
// @example {}
RETURN EXISTS { MATCH (:Division) } OR EXISTS { MATCH (:School) } OR EXISTS { MATCH (:Person) }
    OR EXISTS { MATCH (:SourceRecord) } OR EXISTS { MATCH (:Household) } OR EXISTS { MATCH (:Contact) }
    OR EXISTS { MATCH (:Visit) } AS present
