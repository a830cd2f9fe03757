// Indexes for lookups by something other than a key (keys are indexed by their
// constraints in constraints.cypher). Applied after the constraints; idempotent.
CREATE INDEX person_id_number IF NOT EXISTS FOR (n:Person) ON (n.id_number);
// Work lists: cases by state and by responsible county (cases/list).
CREATE INDEX case_state IF NOT EXISTS FOR (n:Case) ON (n.state);
CREATE INDEX case_county IF NOT EXISTS FOR (n:Case) ON (n.responsible_county);
