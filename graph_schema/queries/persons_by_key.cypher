// The persons a key typed into `notoneless trail` names: by person_id, by an ID number,
// or by an ID number or 学籍号 on any of their records (then trail.cypher for each).
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
RETURN p.person_id AS person_id
ORDER BY person_id
