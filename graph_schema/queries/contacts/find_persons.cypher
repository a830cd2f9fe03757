// The persons an officer's typed key names (a person id, an ID number on the person or
// any of their records, or a 学籍号), for a 包人 assignment; $keys are the key's forms
// (trail.lookup_keys).
// @example {"keys": ["P000001", "431202201203050012"]}
UNWIND $keys AS key
CALL (key) {
  MATCH (p:Person {person_id: key})
  RETURN p
  UNION
  MATCH (p:Person {id_number: key})
  RETURN p
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(:SourceRecord {id_norm: key})
  RETURN p
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(:SourceRecord {xueji_no: key})
  RETURN p
}
RETURN DISTINCT p.person_id AS person_id
ORDER BY person_id
