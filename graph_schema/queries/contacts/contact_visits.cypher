// The visits contact $contact_id made (走访记录, BY) to children and households under
// $division (a code prefix), newest first, at most $limit.
// @example {"contact_id": "C0001", "division": "43", "limit": 100}
MATCH (c:Contact {contact_id: $contact_id})<-[:BY]-(v:Visit)
CALL (v) {
  MATCH (v)-[:TO]->(p:Person)
  WHERE EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
  RETURN '包人' AS kind, p.person_id AS target, p.name AS name
  UNION
  MATCH (v)-[:TO]->(h:Household)
  WHERE EXISTS { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code STARTS WITH $division }
  RETURN '包户' AS kind, h.key AS target,
         head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.head_name IS NOT NULL
                        RETURN r.head_name ORDER BY r.record_key }) AS name
}
RETURN v.visit_date AS visit_date, v.method AS method, kind, target, name
ORDER BY visit_date DESC, target
LIMIT $limit
