// The 包人 sheet of a town's 三包 roster: the town's target children (registration
// village under $town), their 包人 contacts, whether a household of theirs has an 在岗
// 包户 contact, and the dates of visits (to them or a household of theirs) on or before
// $last_day — what the contact_gaps check reads, on the current graph.
// @example {"town": "431202101", "last_day": "2025-10-15"}
MATCH (p:Person)
WHERE p.target = true AND p.active_reg_code STARTS WITH $town
RETURN p.person_id AS person_id, p.name AS name, p.active_reg_code AS village_code,
       COLLECT {
         MATCH (p)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         WHERE x.type = '包人'
         RETURN DISTINCT {contact_id: c.contact_id, name: c.name, phone: c.phone, status: x.status} AS contact
         ORDER BY contact.contact_id
       } AS contacts,
       EXISTS {
         MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(:Household)<-[r:RESPONSIBLE_FOR]-(:Contact)
         WHERE r.type = '包户' AND r.status = '在岗'
       } AS household_covered,
       COLLECT {
         MATCH (p)<-[:TO]-(v:Visit) WHERE v.visit_date <= date($last_day) RETURN v.visit_date
         UNION
         MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(:Household)<-[:TO]-(v:Visit)
         WHERE v.visit_date <= date($last_day)
         RETURN v.visit_date
       } AS visit_dates
ORDER BY person_id
