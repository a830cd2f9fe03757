// Every identity decision, oldest first (the effective judgement of each pair is
// computed from them: notoneless.decisions.judgement).
MATCH (d:IdentityDecision)
RETURN d {.*} AS decision
ORDER BY d.decided_at, d.decision_id
