// What deciding each undecided review item of a run would change (decisions/consequence.py):
// for both sides (a, b) the record's source, status and payment, and its person's flags
// (checks/person_status: also the counties of 户籍 and 就读), payments (学期|资助项目), active findings and open cases (state not
// in $closed), its valid ID numbers (ids) and its records' names (names); the item's codes;
// the run's 学期. Read after the ledger is reconciled.
// @example {"run_id": "example", "closed": ["销号"]}
MATCH (c:IdentityConflict {run_id: $run_id})
WHERE c.decided IS NULL
OPTIONAL MATCH (run:Run {run_id: $run_id})
CALL (c) {
  MATCH (c)-[x:CONCERNS]->(r:SourceRecord)<-[:HAS_RECORD]-(p:Person)
  WITH x, r, p ORDER BY x.side
  RETURN collect({
    side: x.side, source: r.source, enrol_status: r.enrol_status, term: r.term, project: r.project,
    person_id: p.person_id,
    unmatched: coalesce(p.unmatched, false), enrolled: coalesce(p.enrolled, false),
    studying_compulsory: coalesce(p.studying_compulsory, false), compulsory_age: coalesce(p.compulsory_age, false),
    active_reg: p.active_reg_code IS NOT NULL, excluded: coalesce(p.excluded, false),
    studying: coalesce(p.studying, false), reg_county: p.reg_county, study_county: p.study_county,
    eligible: coalesce(p.fupin, false) OR coalesce(p.dibao, false) OR coalesce(p.tekun, false)
              OR coalesce(p.disabled, false),
    enrolled_records: COUNT { MATCH (p)-[:HAS_RECORD]->(e:SourceRecord {source: 'xueji'})
                              WHERE e.enrol_status IN ['在读', '休学'] },
    payments: COLLECT { MATCH (p)-[:HAS_RECORD]->(m:Payment) RETURN coalesce(m.term, '') + '|' + coalesce(m.project, '') },
    findings: COLLECT { MATCH (f:Finding)-[:ABOUT]->(p) WHERE f.active RETURN f.kind },
    cases: COLLECT { MATCH (k:Case)-[:ABOUT]->(p) WHERE NOT k.state IN $closed RETURN k.case_type },
    ids: COLLECT { MATCH (p)-[:HAS_RECORD]->(v:SourceRecord) WHERE v.id_valid RETURN DISTINCT v.id_norm },
    names: COLLECT { MATCH (p)-[:HAS_RECORD]->(n:SourceRecord) WHERE n.name_norm <> '' RETURN DISTINCT n.name_norm }
  }) AS sides
}
RETURN c.review_id AS review_id, coalesce(c.same_person, false) AS same_person, c.codes AS codes, run.term AS term,
       sides
