// A child's whole record (档案) for `notoneless trail` and GET /persons/{id}/trail: the
// person, with every source record and what it links to (division, household, school,
// paying county), the contacts responsible for them, their village or households, the
// visits, the officers' 三包 assignment events about them, their households or their
// village (newest first; CONCERNS follows the run's merges), the officers' identity
// decisions about any of their records (by fingerprint, oldest first), the findings and
// the cases.
// Several lookups in one round trip: $requests is a list of {i, person_id, division,
// school}; a row comes back, tagged `request` = its i, for each person that exists and
// is in that request's scope (api/access.py: division a code prefix, school a 学校标识码,
// one of them null; both null = no scope, the CLI). The API gathers the trail reads that
// arrive together into one query (api/trails.py): a query's fixed cost, in the driver
// and in Neo4j, is most of a trail read's. Keys other than a person_id are resolved
// first by persons_by_key.cypher.
// @example {"requests": [{"i": 0, "person_id": "P000001", "division": "43", "school": null}, {"i": 1, "person_id": "P000002", "division": null, "school": "2143000001"}]}
UNWIND $requests AS req
MATCH (p:Person {person_id: req.person_id})
WHERE (req.division IS NULL AND req.school IS NULL)
   OR (req.school IS NULL
       AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH req.division }
            OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                        WHERE sc.county_code STARTS WITH req.division }))
   OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = req.school }
RETURN req.i AS request, p {.*} AS person,
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
         CALL (p) {
           MATCH (p)<-[:CONCERNS]-(a:ContactAssignment)
           RETURN a, '本人' AS via
           UNION
           MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:MEMBER_OF]->(h:Household)<-[:CONCERNS]-(a:ContactAssignment)
           RETURN a, '户 ' + h.key AS via
           UNION
           MATCH (d:Division {code: p.active_reg_code})<-[:CONCERNS]-(a:ContactAssignment)
           RETURN a, '村 ' + d.code AS via
         }
         RETURN {assignment_id: a.assignment_id, action: a.action, contact_id: a.contact_id,
                 duty_type: a.duty_type, target: a.target, made_by: a.made_by, made_at: toString(a.made_at),
                 note: a.note, batch_id: a.batch_id, via: via} AS assignment
         ORDER BY assignment.made_at DESC, assignment.assignment_id
       } AS assignments,
       COLLECT {
         MATCH (p)-[:HAS_RECORD]->(r:SourceRecord)
         MATCH (d:IdentityDecision)
         WHERE d.fingerprint_a = r.fingerprint OR d.fingerprint_b = r.fingerprint
         WITH DISTINCT d
         RETURN d {.*} AS decision
         ORDER BY decision.decided_at, decision.decision_id
       } AS decisions,
       COLLECT {
         MATCH (f:Finding)-[:ABOUT]->(p)
         RETURN f {.key, .kind, .label, .columns, .values, .run_id, .active}
         ORDER BY f.kind, f.key
       } AS findings,
       COLLECT {
         MATCH (c:Case)-[:ABOUT]->(p)
         RETURN c {.case_id, .case_type, .type_label, .state, .title, .version, .person_id, .name, .subject,
                   .responsible_county, .responsible_town, .responsible_village, .responsible_school,
                   deadline: toString(c.deadline), opened_at: toString(c.opened_at),
                   updated_at: toString(c.updated_at)}
         ORDER BY c.case_id
       } AS cases
