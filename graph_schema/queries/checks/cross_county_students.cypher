// 跨县就读: persons enrolled 在读 whose school's county differs from their registration
// county (p.reg_county, p.study_county set by checks/person_status). 范围, 资助责任县 and
// 核实责任县 are the attribution rules of checks/attribution.py.
// @example {}
MATCH (p:Person)
WHERE p.studying = true AND p.reg_county IS NOT NULL AND p.study_county IS NOT NULL
  AND p.reg_county <> p.study_county
RETURN p.person_id AS person_id, p.reg_county AS registration_county, p.study_county AS school_county
ORDER BY person_id
