// How much each conflict of the run matters (排序): a target child (三包对象: compulsory
// age with a poverty record, or suspected out of school) counts 2, a payment (资助发放
// record) on either person 1; the reasons in Chinese for the officer.
// @example {"run_id": "example"}
MATCH (c:IdentityConflict {run_id: $run_id})
CALL (c) {
  MATCH (c)-[:CONCERNS]->(:SourceRecord)<-[:HAS_RECORD]-(p:Person)
  RETURN max(CASE WHEN p.target THEN 1 ELSE 0 END) AS target,
         max(CASE WHEN EXISTS { MATCH (p)-[:HAS_RECORD]->(:Payment) } THEN 1 ELSE 0 END) AS paid
}
SET c.importance = 2 * coalesce(target, 0) + coalesce(paid, 0),
    c.importance_reasons = [x IN [CASE WHEN target = 1 THEN '涉及三包对象（适龄建档立卡或疑似失学儿童）' END,
                                  CASE WHEN paid = 1 THEN '涉及资助发放' END] WHERE x IS NOT NULL]
RETURN count(c) AS ranked
