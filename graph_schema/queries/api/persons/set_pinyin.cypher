// Sets the pinyin search key of persons' names (toneless, syllables joined: zhangwei).
// @example {"rows": [{"person_id": "P000001", "name_pinyin": "zhangwei"}]}
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
SET p.name_pinyin = row.name_pinyin
