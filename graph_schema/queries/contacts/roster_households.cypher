// The 包户 sheet of a town's 三包 roster: the households of the town's target children,
// their head, village, 包户 contacts and the dates of visits (to the household or a
// member) on or before $last_day.
// @example {"town": "431202101", "last_day": "2025-10-15"}
MATCH (p:Person)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(h:Household)
WHERE p.target = true AND p.active_reg_code STARTS WITH $town
WITH DISTINCT h
RETURN h.key AS key,
       head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.head_name IS NOT NULL
                      RETURN r.head_name ORDER BY r.record_key }) AS head_name,
       head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code IS NOT NULL
                      RETURN r.division_code ORDER BY r.record_key }) AS village_code,
       COLLECT {
         MATCH (h)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         WHERE x.type = '包户'
         RETURN DISTINCT {contact_id: c.contact_id, name: c.name, phone: c.phone, status: x.status} AS contact
         ORDER BY contact.contact_id
       } AS contacts,
       COLLECT {
         MATCH (h)<-[:TO]-(v:Visit) WHERE v.visit_date <= date($last_day) RETURN v.visit_date
         UNION
         MATCH (h)<-[:MEMBER_OF]-(:SourceRecord)<-[:HAS_RECORD]-(:Person)<-[:TO]-(v:Visit)
         WHERE v.visit_date <= date($last_day)
         RETURN v.visit_date
       } AS visit_dates
ORDER BY key
