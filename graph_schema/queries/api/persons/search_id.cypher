// Person search by ID number or 学籍号 (normalised by the caller), ranked: the person's
// ID or a record's 学籍号 (100), a record's ID (95), an ID repair candidate of a record
// (70); then within the caller's scope, ordered by score and person_id, one page.
// @example {"id_number": "431202201203050012", "xueji_no": "G431202201203050012", "division": "43", "school": null, "limit": 20, "offset": 0}
CALL () {
  MATCH (p:Person) WHERE p.id_number = $id_number RETURN p, 100 AS score, 'id_number' AS matched
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.xueji_no = $xueji_no
  RETURN p, 100 AS score, 'xueji_no' AS matched
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.id_norm = $id_number
  RETURN p, 95 AS score, 'record_id_number' AS matched
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord) WHERE $id_number IN r.id_candidates
  RETURN p, 70 AS score, 'id_repair_candidate' AS matched
}
WITH p, score, matched ORDER BY score DESC, matched
WITH p, head(collect({score: score, matched: matched})) AS best
WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
WITH p, best ORDER BY best.score DESC, p.person_id
WITH collect({score: best.score, matched: best.matched,
              person: p {.person_id, .name, .sex, .id_number, .record_count, .sources, birth_date: toString(p.birth_date),
                 village: p.home_code, registration_county: p.reg_county, school_county: p.school_county}}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
