// Person search by name, ranked: the person's name (90), a record's name (80), the same
// pinyin, i.e. homophones (60), a pinyin prefix (40), a name prefix (30); then within
// the caller's scope, ordered by score, name, person_id, one page.
// @example {"names": ["张伟"], "name": "张伟", "pinyin": "zhangwei", "division": "43", "school": null, "limit": 20, "offset": 0}
CALL () {
  MATCH (p:Person) WHERE p.name IN $names RETURN p, 90 AS score, 'name' AS matched
  UNION
  MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.name_norm IN $names
  RETURN p, 80 AS score, 'record_name' AS matched
  UNION
  MATCH (p:Person) WHERE p.name_pinyin = $pinyin RETURN p, 60 AS score, 'pinyin' AS matched
  UNION
  MATCH (p:Person) WHERE p.name_pinyin STARTS WITH $pinyin AND size($pinyin) >= 3
  RETURN p, 40 AS score, 'pinyin_prefix' AS matched
  UNION
  MATCH (p:Person) WHERE p.name STARTS WITH $name RETURN p, 30 AS score, 'name_prefix' AS matched
}
WITH p, score, matched ORDER BY score DESC, matched
WITH p, head(collect({score: score, matched: matched})) AS best
WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
WITH p, best ORDER BY best.score DESC, p.name, p.person_id
WITH collect({score: best.score, matched: best.matched,
              person: p {.person_id, .name, .sex, .id_number, .record_count, .sources, birth_date: toString(p.birth_date),
                 village: p.home_code, registration_county: p.reg_county, school_county: p.school_county}}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
