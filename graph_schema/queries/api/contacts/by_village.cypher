// The contacts (三包) of one village: its 包村 contacts, the 包户 contacts of households
// registered there, the 包人 contacts of persons registered there; empty lists when none.
// Only for a village under $division (role 学校 has no village scope).
// @example {"village": "431202101001", "division": "43", "school": null}
MATCH (d:Division {code: $village})
WHERE $school IS NULL AND d.code STARTS WITH $division
RETURN d.code AS code, d.name AS name, d.level AS level,
       COLLECT {
         MATCH (d)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         RETURN {contact_id: c.contact_id, name: c.name, phone: c.phone, unit: c.unit, contact_status: c.status,
                 duty_type: x.type, duty_status: x.status, target: d.code, row_key: x.row_key} AS contact
         ORDER BY contact.contact_id, contact.row_key
       } AS village_contacts,
       COLLECT {
         MATCH (d)<-[:REGISTERED_IN]-(:SourceRecord)-[:MEMBER_OF]->(h:Household)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         RETURN DISTINCT {contact_id: c.contact_id, name: c.name, phone: c.phone, unit: c.unit,
                          contact_status: c.status, duty_type: x.type, duty_status: x.status, target: h.key,
                          row_key: x.row_key} AS contact
         ORDER BY contact.target, contact.contact_id, contact.row_key
       } AS household_contacts,
       COLLECT {
         MATCH (d)<-[:REGISTERED_IN]-(:SourceRecord)<-[:HAS_RECORD]-(p:Person)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         RETURN DISTINCT {contact_id: c.contact_id, name: c.name, phone: c.phone, unit: c.unit,
                          contact_status: c.status, duty_type: x.type, duty_status: x.status, target: p.person_id,
                          row_key: x.row_key} AS contact
         ORDER BY contact.target, contact.contact_id, contact.row_key
       } AS person_contacts
