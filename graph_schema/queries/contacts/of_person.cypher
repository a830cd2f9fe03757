// The officers' 三包 assignment events concerning one person (their trail): about them
// (包人, also under an id since merged into theirs: CONCERNS follows the run's merge),
// one of their households (包户), or their registration village (包村); newest first.
// @example {"person_id": "P000001"}
MATCH (p:Person {person_id: $person_id})
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
RETURN a.assignment_id AS assignment_id, a.action AS action, a.contact_id AS contact_id,
       a.duty_type AS duty_type, a.target AS target, a.made_by AS made_by, toString(a.made_at) AS made_at,
       a.note AS note, a.batch_id AS batch_id, via
ORDER BY made_at DESC, assignment_id
