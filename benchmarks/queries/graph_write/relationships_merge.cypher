// … then MERGE their two relationships, matching each child again by its key.
// @example {"rows": [{"person_id": "P0000003", "household": "H0000001", "village": "522631100001"}]}
UNWIND $rows AS row
MATCH (c:Person {person_id: row.person_id})
MATCH (h:Household {key: row.household})
MATCH (v:Division {code: row.village})
MERGE (c)-[:MEMBER_OF]->(h)
MERGE (c)-[:REGISTERED_IN]->(v)
