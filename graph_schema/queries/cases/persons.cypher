// The children cases and findings are about, as officers read them beside the person id (case titles, the exports):
// name, ID number (masked by the caller), sex, birth date and the school they are enrolled
// at, 在读 first (its name and 学校标识码), where there is one.
// @example {"person_ids": ["P000001", "P000002"]}
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})
RETURN p.person_id AS person_id, p.name AS name, p.id_number AS id_number, p.sex AS sex,
       p.birth_date AS birth_date,
       head(COLLECT { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[x:ENROLLED_AT]->(s:School)
                      RETURN s.name + '(' + s.school_id + ')' AS school
                      ORDER BY CASE x.status WHEN '在读' THEN 0 ELSE 1 END, s.school_id }) AS school
