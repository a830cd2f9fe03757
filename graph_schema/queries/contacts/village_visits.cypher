// The visits to the target children registered in village $village (active_reg_code, as
// the contact_gaps check) and to their households, on or before $last_day, newest first, at
// most $limit; with the contact who made each.
// @example {"village": "431202101001", "last_day": "2025-10-15", "limit": 50}
MATCH (p:Person {active_reg_code: $village})
WHERE p.target = true
CALL (p) {
  MATCH (p)<-[:TO]-(v:Visit)
  WHERE v.visit_date <= date($last_day)
  RETURN v, '包人' AS kind, p.person_id AS target, p.name AS name
  UNION
  MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(h:Household)<-[:TO]-(v:Visit)
  WHERE v.visit_date <= date($last_day)
  RETURN v, '包户' AS kind, h.key AS target,
         head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.head_name IS NOT NULL
                        RETURN r.head_name ORDER BY r.record_key }) AS name
}
WITH DISTINCT v, kind, target, name
OPTIONAL MATCH (v)-[:BY]->(c:Contact)
RETURN v.visit_date AS visit_date, v.method AS method, kind, target, name, c.contact_id AS contact_id,
       c.name AS contact_name
ORDER BY visit_date DESC, target, contact_id
LIMIT $limit
