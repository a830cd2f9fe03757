// A child's whole record (档案) for `notoneless trail`: the person found by person_id,
// by an ID number on any of their records, or by a 学籍号; with every source record and
// what it links to (division, household, school, paying county), the contacts
// responsible for them, their village or households, the visits, and the findings.
// @example {"key": "P000001"}
CALL () {
  MATCH (p:Person {person_id: $key})
  RETURN p
  UNION
  MATCH (p:Person {id_number: $key})
  RETURN p
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(:SourceRecord {id_norm: $key})
  RETURN p
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(:SourceRecord {xueji_no: $key})
  RETURN p
}
WITH p
RETURN p {.*} AS person,
       COLLECT {
         MATCH (p)-[:HAS_RECORD]->(r:SourceRecord)
         RETURN r {.*,
                   division: head(COLLECT { MATCH (r)-[x:REGISTERED_IN]->(d:Division)
                                            RETURN d {.code, .name, .level, status: x.status} }),
                   school: head(COLLECT { MATCH (r)-[x:ENROLLED_AT]->(s:School)
                                          RETURN s {.school_id, .name, .county_code, .school_type,
                                                    status: x.status, grade: x.grade} }),
                   household: head(COLLECT { MATCH (r)-[x:MEMBER_OF]->(h:Household)
                                             RETURN h {.key, .number, .system, relation: x.relation} }),
                   paying_county: head(COLLECT { MATCH (r)-[:PAID_BY]->(c:Division)
                                                 RETURN c {.code, .name} })}
         ORDER BY r.source, r.row_no
       } AS records,
       COLLECT {
         MATCH (p)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         RETURN {contact_id: c.contact_id, name: c.name, phone: c.phone, unit: c.unit, type: x.type,
                 status: x.status, via: '本人', target: x.target_raw} AS contact
         UNION
         MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(h:Household)<-[x:RESPONSIBLE_FOR]-(c:Contact)
         RETURN {contact_id: c.contact_id, name: c.name, phone: c.phone, unit: c.unit, type: x.type,
                 status: x.status, via: '户 ' + h.key, target: x.target_raw} AS contact
         UNION
         MATCH (d:Division {code: p.active_reg_code})<-[x:RESPONSIBLE_FOR]-(c:Contact)
         RETURN {contact_id: c.contact_id, name: c.name, phone: c.phone, unit: c.unit, type: x.type,
                 status: x.status, via: '村 ' + d.code, target: x.target_raw} AS contact
       } AS contacts,
       COLLECT {
         MATCH (p)<-[:TO]-(v:Visit)
         RETURN {key: v.key, date: v.visit_date, method: v.method, contact_id: v.contact_id, via: '本人'} AS visit
         UNION
         MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(h:Household)<-[:TO]-(v:Visit)
         RETURN {key: v.key, date: v.visit_date, method: v.method, contact_id: v.contact_id, via: '户 ' + h.key} AS visit
       } AS visits,
       COLLECT {
         MATCH (f:Finding)-[:ABOUT]->(p)
         RETURN f {.key, .kind, .label, .columns, .values, .run_id, .active}
         ORDER BY f.kind, f.key
       } AS findings
