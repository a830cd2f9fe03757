// TO: a visit to the household its 包保对象 names.
// @example {"rows": [{"row_key": "visits:2", "uid": "hukou:4312020001", "run_id": "example"}]}
UNWIND $rows AS row
MATCH (v:Visit {key: row.row_key})
MATCH (h:Household {key: row.uid})
MERGE (v)-[x:TO]->(h)
SET x.run_id = row.run_id
