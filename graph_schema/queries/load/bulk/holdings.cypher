// What the graph holds besides this run's Run node (graph/bulk_import.py): the offline
// importer builds the database anew, so a first load may use it only when this returns
// nothing (no officer's User, case, event, marker … to lose). Up to 1000 nodes are
// looked at, counted by their labels, with the relationships among them.
// @example {"run_id": "example"}
MATCH (n)
WHERE NOT (n:Run AND n.run_id = $run_id)
WITH n LIMIT 1000
WITH n, COUNT { (n)--() } AS links
RETURN CASE WHEN labels(n) = [] THEN '(no label)' ELSE reduce(s = '', l IN labels(n) | s + ':' + l) END AS held,
       count(*) AS nodes, sum(links) AS relationships
ORDER BY nodes DESC, held
