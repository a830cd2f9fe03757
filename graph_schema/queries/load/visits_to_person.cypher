// TO: a visit to the person its 包保对象 names.
// @example {"rows": [{"row_key": "visits:1", "person_id": "P000001", "repaired": false, "run_id": "example"}]}
UNWIND $rows AS row
MATCH (v:Visit {key: row.row_key})
MATCH (p:Person {person_id: row.person_id})
MERGE (v)-[x:TO]->(p)
SET x.repaired = row.repaired, x.run_id = row.run_id
