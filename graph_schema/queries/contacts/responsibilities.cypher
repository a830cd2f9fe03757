// What contact $contact_id is responsible for (包村 villages, 包户 households, 包人 children;
// 在岗 and 离岗) under $division (a code prefix), with names and the village of each.
// @example {"contact_id": "C0001", "division": "43"}
MATCH (c:Contact {contact_id: $contact_id})
CALL (c) {
  MATCH (c)-[x:RESPONSIBLE_FOR]->(d:Division)
  WHERE d.code STARTS WITH $division
  RETURN x.type AS duty_type, x.status AS status, d.code AS target, d.name AS name, d.code AS village_code
  UNION
  MATCH (c)-[x:RESPONSIBLE_FOR]->(h:Household)
  WHERE EXISTS { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code STARTS WITH $division }
  RETURN x.type AS duty_type, x.status AS status, h.key AS target,
         head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.head_name IS NOT NULL
                        RETURN r.head_name ORDER BY r.record_key }) AS name,
         head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code IS NOT NULL
                        RETURN r.division_code ORDER BY r.record_key }) AS village_code
  UNION
  MATCH (c)-[x:RESPONSIBLE_FOR]->(p:Person)
  WHERE EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
  RETURN x.type AS duty_type, x.status AS status, p.person_id AS target, p.name AS name,
         coalesce(p.active_reg_code, p.home_code) AS village_code
}
WITH duty_type, status, target, name, village_code
OPTIONAL MATCH (v:Division {code: village_code})
RETURN DISTINCT duty_type, status, target, name, village_code, v.name AS village_name
ORDER BY duty_type, village_code, target
