// benchmarks/graph_write.py: village divisions, keys known to be new (CREATE).
// @example {"rows": [{"code": "522631100001", "name": "村1"}]}
UNWIND $rows AS row
CREATE (:Division {code: row.code, name: row.name, level: '村'})
