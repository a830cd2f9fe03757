// Indexes for lookups by something other than a key (keys are indexed by their
// constraints in constraints.cypher). Applied after the constraints; idempotent.
CREATE INDEX person_id_number IF NOT EXISTS FOR (n:Person) ON (n.id_number);
// Work lists: cases by state and by responsible county (cases/list).
CREATE INDEX case_state IF NOT EXISTS FOR (n:Case) ON (n.state);
CREATE INDEX case_county IF NOT EXISTS FOR (n:Case) ON (n.responsible_county);
// The trail and 包保对象 lookups: a person by an ID number or 学籍号 on any of their records.
CREATE INDEX source_record_id_norm IF NOT EXISTS FOR (n:SourceRecord) ON (n.id_norm);
CREATE INDEX source_record_xueji_no IF NOT EXISTS FOR (n:SourceRecord) ON (n.xueji_no);
// Findings by kind and by person (the ledger reconciles a run's findings by kind).
CREATE INDEX finding_kind IF NOT EXISTS FOR (n:Finding) ON (n.kind);
CREATE INDEX finding_person IF NOT EXISTS FOR (n:Finding) ON (n.person_id);
