// Division nodes (行政区划): every code of the divisions file and every code a record,
// school or payment refers to, with its ancestors (a code's prefixes).
// @example {"rows": [{"code": "431202101001", "name": "示例村", "level": "村", "parent_code": "431202101", "listed": true, "run_id": "example"}], "run_id": "example"}
UNWIND $rows AS row
MERGE (d:Division {code: row.code})
SET d.name = row.name, d.level = row.level, d.parent_code = row.parent_code, d.listed = row.listed,
    d.run_id = row.run_id
