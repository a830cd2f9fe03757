// The Run node again, after the offline importer replaced the database
// (graph/bulk_import.py): exactly the properties load/bulk/run_node read.
// @example {"props": {"run_id": "example-restored", "name": "示例 2025秋 比对", "term": "2025秋"}}
CREATE (r:Run)
SET r = $props
