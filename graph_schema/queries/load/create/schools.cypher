// School nodes and IN, first load only: load/schools with CREATE for MERGE (see load/
// create/persons for why both exist). One writer: a county is the end of many IN.
// @example {"rows": [{"school_id": "3143000098", "name": "示例小学", "county_code": "431202", "school_type": "小学", "listed": true, "run_id": "example"}]}
UNWIND $rows AS row
CREATE (s:School {school_id: row.school_id})
SET s.name = row.name, s.county_code = row.county_code, s.school_type = row.school_type,
    s.listed = row.listed, s.run_id = row.run_id
WITH s, row
MATCH (c:Division {code: row.county_code})
CREATE (s)-[r:IN]->(c)
SET r.run_id = row.run_id
