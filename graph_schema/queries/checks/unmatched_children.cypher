// 疑似失学辍学: persons of compulsory age with an active registration, not enrolled,
// and not excluded (死亡/迁出/注销 without a 正常 hukou record) — p.unmatched, set by
// checks/person_status. 责任县 and the 是/否 flags are added by checks/unmatched_children.py.
// @example {}
MATCH (p:Person)
WHERE p.unmatched = true
RETURN p.person_id AS person_id, p.name AS name, p.id_number AS id_number, p.birth_date AS birth_date,
       p.active_reg_code AS registration_code, p.fupin AS fupin, p.relief AS relief, p.disabled AS disabled
ORDER BY person_id
