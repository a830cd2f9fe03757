// The decisions about any of a person's current records (by fingerprint), oldest first.
// @example {"person_id": "P000001"}
MATCH (:Person {person_id: $person_id})-[:HAS_RECORD]->(r:SourceRecord)
WITH collect(DISTINCT r.fingerprint) AS fps
CALL (fps) {
  MATCH (d:IdentityDecision) WHERE d.fingerprint_a IN fps
  RETURN d
  UNION
  MATCH (d:IdentityDecision) WHERE d.fingerprint_b IN fps
  RETURN d
}
RETURN d {.*} AS decision
ORDER BY d.decided_at, d.decision_id
