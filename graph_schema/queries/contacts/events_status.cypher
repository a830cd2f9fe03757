// Every contact status change (在岗 / 离岗) the service holds (in no order: the merge orders them by made_at).
// @example {}
MATCH (s:ContactStatusChange)
// {.*}: no property named, so a graph without events yet reads without a warning
RETURN s {.*} AS event
