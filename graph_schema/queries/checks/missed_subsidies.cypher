// 漏助: persons enrolled 在读 in 一年级…九年级, eligible (a fupin record; a minzheng
// record of 农村低保 or 农村特困; or a canlian record), with no payment in $term.
// 资格 order and 责任县 come from checks/definitions.py and checks/attribution.py.
// @example {"term": "2025秋"}
MATCH (p:Person)
WHERE p.studying_compulsory = true AND (p.fupin OR p.dibao OR p.tekun OR p.disabled)
  AND NOT EXISTS { (p)-[:HAS_RECORD]->(pay:Payment) WHERE pay.term = $term }
RETURN p.person_id AS person_id, p.fupin AS fupin, p.dibao AS dibao, p.tekun AS tekun, p.disabled AS disabled,
       p.reg_county AS registration_county, p.study_county AS school_county
ORDER BY person_id
