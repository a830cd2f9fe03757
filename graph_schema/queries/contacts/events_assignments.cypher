// Every 三包 assignment event (assign / release) the service holds (in no order: the merge orders them); read
// by a run before it loads the contacts (contacts/effective.py).
// @example {}
MATCH (a:ContactAssignment)
// {.*}: no property named, so a graph without events yet reads without a warning
RETURN a {.*} AS event
