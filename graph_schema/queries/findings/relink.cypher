// Links the findings of earlier runs (kept, active = false) to the Person and Division
// they are about where those links are missing: the run rebuilt the node (a restored
// backup, whose Finding nodes come without the rebuilt Person/Division, or a merged
// person's new node). findings/record links only this run's findings.
// @example {}
MATCH (f:Finding)
WHERE NOT EXISTS { (f)-[:ABOUT]->(:Person) } OR NOT EXISTS { (f)-[:LOCATED_IN]->(:Division) }
CALL (f) {
  MATCH (p:Person {person_id: f.person_id})
  MERGE (f)-[:ABOUT]->(p)
}
CALL (f) {
  MATCH (d:Division {code: f.division_code})
  MERGE (f)-[:LOCATED_IN]->(d)
}
RETURN count(f) AS relinked
