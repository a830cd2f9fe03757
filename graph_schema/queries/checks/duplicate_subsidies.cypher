// 重复资助: a person paid more than once for the same 资助项目 in the same 学期.
// 应发县 (the subsidy-responsible county) comes from checks/attribution.py.
// @example {}
MATCH (p:Person)-[:HAS_RECORD]->(pay:Payment)
WHERE pay.term IS NOT NULL AND pay.project IS NOT NULL
WITH p, pay.term AS term, pay.project AS project, count(pay) AS payments,
     collect(pay.paying_county) AS paying_counties, sum(coalesce(pay.amount, 0.0)) AS total,
     max(coalesce(pay.amount, 0.0)) AS largest
WHERE payments > 1
RETURN p.person_id AS person_id, term, project, payments, paying_counties, total, largest,
       p.reg_county AS registration_county, p.study_county AS school_county
ORDER BY person_id, term, project
