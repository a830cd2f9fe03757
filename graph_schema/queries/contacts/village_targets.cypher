// A bulk action's targets in village $village: for 包人 the target children (p.target,
// set by checks/person_status) whose registration village (active_reg_code) it is, as of
// the last run; for 包户 the 建档立卡 households (fupin 户编号) with a member registered there.
// @example {"village": "431202101001", "duty_type": "包人"}
CALL () {
  MATCH (p:Person {active_reg_code: $village})
  WHERE $duty_type = '包人' AND p.target = true
  RETURN p.person_id AS key
  UNION
  MATCH (:Division {code: $village})<-[:REGISTERED_IN]-(r:SourceRecord)-[:MEMBER_OF]->(h:Household)
  WHERE $duty_type = '包户' AND r.source = 'fupin'
  RETURN h.key AS key
}
RETURN key
ORDER BY key
