// The decisions on one pair of records (fingerprints sorted), oldest first.
// @example {"fingerprint_a": "fp-a", "fingerprint_b": "fp-b"}
MATCH (d:IdentityDecision {fingerprint_a: $fingerprint_a, fingerprint_b: $fingerprint_b})
RETURN d {.*} AS decision
ORDER BY d.decided_at, d.decision_id
