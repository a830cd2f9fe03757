// Every identity decision (the effective judgement of each pair is computed from them:
// notoneless.decisions.judgement, which also orders them).
MATCH (d:IdentityDecision)
RETURN d {.*} AS decision
