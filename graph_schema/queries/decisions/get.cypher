// One decision by its id, with the withdrawal that names it (if any).
// @example {"decision_id": "D20251020T080000-0000abcd"}
MATCH (d:IdentityDecision {decision_id: $decision_id})
RETURN d {.*} AS decision
