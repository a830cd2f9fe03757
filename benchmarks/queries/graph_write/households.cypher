// benchmarks/graph_write.py: households, keys known to be new (CREATE).
// @example {"rows": [{"key": "H0000001", "head_name": "张三"}]}
UNWIND $rows AS row
CREATE (:Household {key: row.key, head_name: row.head_name})
