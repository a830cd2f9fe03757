// The 包村 sheet of a town's 三包 roster: every village of town $town, its number of
// target children (registration village, as the contact_gaps check) and its 包村 contacts;
// and the name of its town ($town may also be one village's code: the 三包 village page).
// @example {"town": "431202101"}
MATCH (d:Division)
WHERE d.level = '村' AND d.code STARTS WITH $town
RETURN d.code AS code, d.name AS name,
       head(COLLECT { MATCH (d)-[:PART_OF]->(t:Division) RETURN t.name }) AS town_name,
       COUNT { MATCH (p:Person {active_reg_code: d.code}) WHERE p.target = true } AS targets,
       COLLECT {
         MATCH (d)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         WHERE x.type = '包村'
         RETURN DISTINCT {contact_id: c.contact_id, name: c.name, phone: c.phone, status: x.status} AS contact
         ORDER BY contact.contact_id
       } AS contacts
ORDER BY code
