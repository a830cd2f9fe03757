// benchmarks/graph_write.py, the plain path (for comparison): MERGE the children first …
// @example {"rows": [{"person_id": "P0000003", "name": "王芳", "sex": "F", "birth_date": "2012-09-10"}]}
UNWIND $rows AS row
MERGE (c:Person {person_id: row.person_id})
SET c.name = row.name, c.sex = row.sex, c.birth_date = row.birth_date
