// benchmarks/graph_write.py, the fast path: each child and its two relationships in the
// same statement; the child's key is known to be new, so CREATE (no MERGE lookup).
// @example {"rows": [{"person_id": "P0000001", "name": "张伟", "sex": "M", "birth_date": "2013-04-05", "household": "H0000001", "village": "522631100001"}]}
UNWIND $rows AS row
MATCH (h:Household {key: row.household})
MATCH (v:Division {code: row.village})
CREATE (c:Person {person_id: row.person_id, name: row.name, sex: row.sex, birth_date: row.birth_date})
CREATE (c)-[:MEMBER_OF]->(h)
CREATE (c)-[:REGISTERED_IN]->(v)
