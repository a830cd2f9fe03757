// School nodes (学校) and IN: a school to its county.
// @example {"rows": [{"school_id": "3143000001", "name": "示例小学", "county_code": "431202", "school_type": "小学", "listed": true, "run_id": "example"}]}
UNWIND $rows AS row
MERGE (s:School {school_id: row.school_id})
SET s.name = row.name, s.county_code = row.county_code, s.school_type = row.school_type,
    s.listed = row.listed, s.run_id = row.run_id
WITH s, row
MATCH (c:Division {code: row.county_code})
MERGE (s)-[r:IN]->(c)
SET r.run_id = row.run_id
