// A contact's visit list: each child (包人) and household (包户) they are 在岗 responsible
// for, in the caller's scope, with the dates of visits on or before $last_day — to the
// child or one of their households; to the household or one of its members.
// @example {"contact_id": "C0001", "last_day": "2025-10-31", "division": "43", "school": null}
MATCH (c:Contact {contact_id: $contact_id})
CALL (c) {
  MATCH (c)-[x:RESPONSIBLE_FOR]->(p:Person)
  WHERE x.type = '包人' AND x.status = '在岗'
    AND (($school IS NULL
          AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
               OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                           WHERE sc.county_code STARTS WITH $division }))
         OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
  RETURN '包人' AS duty_type, p.person_id AS target, p.name AS name, p.home_code AS village_code,
         COLLECT {
           MATCH (p)<-[:TO]-(v:Visit) WHERE v.visit_date <= date($last_day) RETURN v.visit_date
           UNION
           MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(:Household)<-[:TO]-(v:Visit)
           WHERE v.visit_date <= date($last_day)
           RETURN v.visit_date
         } AS visit_dates
  UNION
  MATCH (c)-[x:RESPONSIBLE_FOR]->(h:Household)
  WHERE x.type = '包户' AND x.status = '在岗' AND $school IS NULL
    AND EXISTS { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code STARTS WITH $division }
  RETURN '包户' AS duty_type, h.key AS target,
         head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.head_name IS NOT NULL
                        RETURN r.head_name ORDER BY r.record_key }) AS name,
         head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code IS NOT NULL
                        RETURN r.division_code ORDER BY r.record_key }) AS village_code,
         COLLECT {
           MATCH (h)<-[:TO]-(v:Visit) WHERE v.visit_date <= date($last_day) RETURN v.visit_date
           UNION
           MATCH (h)<-[:MEMBER_OF]-(:SourceRecord)<-[:HAS_RECORD]-(:Person)<-[:TO]-(v:Visit)
           WHERE v.visit_date <= date($last_day)
           RETURN v.visit_date
         } AS visit_dates
}
RETURN DISTINCT duty_type, target, name, village_code, visit_dates
ORDER BY duty_type DESC, target
