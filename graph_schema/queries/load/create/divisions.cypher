// Division nodes, first load only: load/divisions with CREATE for MERGE (see load/create/
// persons for why both exist). Same rows, same properties.
// @example {"rows": [{"code": "431202101098", "name": "首次写入村", "level": "村", "parent_code": "431202101", "listed": true, "run_id": "example"}]}
UNWIND $rows AS row
CREATE (d:Division {code: row.code})
SET d.name = row.name, d.level = row.level, d.parent_code = row.parent_code, d.listed = row.listed,
    d.run_id = row.run_id
