// The names of the given persons, for the titles of the cases of findings that carry no
// 姓名 (三包缺位): one property each, where cases/persons also finds each one's school.
// @example {"person_ids": ["P000001", "P000002"]}
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})
RETURN p.person_id AS person_id, p.name AS name
