// Which of $targets (one duty type's keys: village codes for 包村, household keys for
// 包户, person ids for 包人) exist in the graph and lie in the caller's scope
// (api/access.py: $division a code prefix, $school a 学校标识码, one of them null). A
// village or household is in scope under $division only (role 学校 has no village
// scope); a person as in api/persons/in_scope.
// @example {"duty_type": "包人", "targets": ["P000001"], "division": "43", "school": null}
UNWIND $targets AS target
CALL (target) {
  MATCH (d:Division {code: target})
  WHERE $duty_type = '包村' AND $school IS NULL AND d.level = '村' AND d.code STARTS WITH $division
  RETURN d.code AS key
  UNION
  MATCH (h:Household {key: target})
  WHERE $duty_type = '包户' AND $school IS NULL
    AND EXISTS { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.division_code STARTS WITH $division }
  RETURN h.key AS key
  UNION
  MATCH (p:Person {person_id: target})
  WHERE $duty_type = '包人'
    AND (($school IS NULL
          AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
               OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                           WHERE sc.county_code STARTS WITH $division }))
         OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
  RETURN p.person_id AS key
}
RETURN DISTINCT key
ORDER BY key
