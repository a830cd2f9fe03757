// Marks the review items of one pair with the pair's effective verdict (same/different),
// or clears it (null: the model decides, the item is back in the queue).
// @example {"fingerprint_a": "fp-a", "fingerprint_b": "fp-b", "verdict": "same"}
MATCH (c:IdentityConflict {fingerprint_a: $fingerprint_a, fingerprint_b: $fingerprint_b})
SET c.decided = $verdict
RETURN count(c) AS updated
