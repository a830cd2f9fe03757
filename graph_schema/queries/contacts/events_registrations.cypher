// Every contact registered in the service (contacts no bundle listed) (in no order: the merge orders them by made_at).
// @example {}
MATCH (r:ContactRegistration)
// {.*}: no property named, so a graph without events yet reads without a warning
RETURN r {.*} AS event
