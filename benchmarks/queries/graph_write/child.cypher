// benchmarks/graph_write.py, per-row writes: one child with its two relationships per transaction.
// @example {"person_id": "P0000002", "name": "李娜", "sex": "F", "birth_date": "2014-01-02", "household": "H0000001", "village": "522631100001"}
MATCH (h:Household {key: $household})
MATCH (v:Division {code: $village})
CREATE (c:Person {person_id: $person_id, name: $name, sex: $sex, birth_date: $birth_date})
CREATE (c)-[:MEMBER_OF]->(h)
CREATE (c)-[:REGISTERED_IN]->(v)
