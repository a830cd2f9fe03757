// 适龄儿童台账: persons of compulsory age registered in or studying in the county, with
// the status the checks set on them (checks/person_status).
// @example {"county": "431222"}
MATCH (p:Person)
WHERE p.compulsory_age = true AND (p.reg_county = $county OR p.study_county = $county)
RETURN p.person_id AS person_id, p.name AS name, p.id_number AS id_number, p.birth_date AS birth_date,
       p.sex AS sex, coalesce(p.active_reg_code, p.home_code) AS reg_code, p.reg_county AS reg_county,
       p.study_county AS study_county, p.studying AS studying, p.enrolled AS enrolled,
       p.unmatched AS unmatched, p.fupin AS fupin, p.dibao AS dibao, p.tekun AS tekun, p.disabled AS disabled
ORDER BY reg_code, person_id
