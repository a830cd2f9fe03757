// 三包缺位: for every target child (p.target, set with the Person by the load and defined
// by checks/person_status), whether their village has an 在岗 包村 contact, whether one of
// their households (hukou 户号, fupin 户编号) has an 在岗 包户 contact, their 在岗 包人
// contacts, and the dates of visits to them or their households on or before $last_day.
// The four gap kinds are composed by checks/contact_gaps.py. The child's households are
// expanded once (through their records) and reused for the 包户 and the visits.
// @example {"last_day": "2025-10-15"}
MATCH (p:Person)
WHERE p.target = true
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(h:Household)
  RETURN collect(DISTINCT h) AS households
}
RETURN p.person_id AS person_id, p.active_reg_code AS village_code,
       EXISTS {
         MATCH (:Division {code: p.active_reg_code})<-[r:RESPONSIBLE_FOR]-(:Contact)
         WHERE r.type = '包村' AND r.status = '在岗'
       } AS village_covered,
       EXISTS {
         UNWIND households AS h
         MATCH (h)<-[r:RESPONSIBLE_FOR]-(:Contact)
         WHERE r.type = '包户' AND r.status = '在岗'
       } AS household_covered,
       COLLECT {
         MATCH (p)<-[r:RESPONSIBLE_FOR]-(c:Contact)
         WHERE r.type = '包人' AND r.status = '在岗'
         RETURN DISTINCT c.contact_id ORDER BY c.contact_id
       } AS person_contacts,
       COLLECT {
         MATCH (p)<-[:TO]-(v:Visit)
         WHERE v.visit_date <= date($last_day)
         RETURN v.visit_date
         UNION
         UNWIND households AS h
         MATCH (h)<-[:TO]-(v:Visit)
         WHERE v.visit_date <= date($last_day)
         RETURN v.visit_date
       } AS visit_dates
ORDER BY person_id
