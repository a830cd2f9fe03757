// Indexes for lookups by something other than a key (keys are indexed by their
// constraints in constraints.cypher). Applied after the constraints; idempotent.
CREATE INDEX person_id_number IF NOT EXISTS FOR (n:Person) ON (n.id_number);
// Work lists: cases by state and by responsible county (cases/list).
CREATE INDEX case_state IF NOT EXISTS FOR (n:Case) ON (n.state);
CREATE INDEX case_county IF NOT EXISTS FOR (n:Case) ON (n.responsible_county);
CREATE INDEX case_change_run IF NOT EXISTS FOR (n:CaseChange) ON (n.run_id);
// A case's change in one run (the 工作台's and the 台账's change of each case in scope).
CREATE INDEX case_change_run_case IF NOT EXISTS FOR (n:CaseChange) ON (n.run_id, n.case_id);
// The trail and 包保对象 lookups: a person by an ID number or 学籍号 on any of their records.
CREATE INDEX source_record_id_norm IF NOT EXISTS FOR (n:SourceRecord) ON (n.id_norm);
CREATE INDEX source_record_xueji_no IF NOT EXISTS FOR (n:SourceRecord) ON (n.xueji_no);
// Findings by kind and by person (the ledger reconciles a run's findings by kind).
CREATE INDEX finding_kind IF NOT EXISTS FOR (n:Finding) ON (n.kind);
CREATE INDEX finding_person IF NOT EXISTS FOR (n:Finding) ON (n.person_id);

// Lookups of the HTTP API: a caller by token hash on every request, person search by
// name / pinyin / a record's normalised name, a person's read audit and cases.
CREATE INDEX user_token IF NOT EXISTS FOR (n:User) ON (n.token_sha256);
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
CREATE INDEX person_name_pinyin IF NOT EXISTS FOR (n:Person) ON (n.name_pinyin);
CREATE INDEX source_record_name_norm IF NOT EXISTS FOR (n:SourceRecord) ON (n.name_norm);
CREATE INDEX audit_event_person IF NOT EXISTS FOR (n:AuditEvent) ON (n.person_id);
CREATE INDEX case_person IF NOT EXISTS FOR (n:Case) ON (n.person_id);
// 三包: a village's target children (bulk assignment, roster, contacts/*), by registration village.
CREATE INDEX person_active_reg_code IF NOT EXISTS FOR (n:Person) ON (n.active_reg_code);

// Identity decisions and the review queue: decisions by either record's fingerprint (the
// trail, a run's must/cannot-links), review items by id and by pair, records by fingerprint.
CREATE INDEX identity_decision_fingerprint_a IF NOT EXISTS FOR (n:IdentityDecision) ON (n.fingerprint_a);
CREATE INDEX identity_decision_fingerprint_b IF NOT EXISTS FOR (n:IdentityDecision) ON (n.fingerprint_b);
CREATE INDEX identity_conflict_review_id IF NOT EXISTS FOR (n:IdentityConflict) ON (n.review_id);
CREATE INDEX identity_conflict_pair IF NOT EXISTS FOR (n:IdentityConflict) ON (n.fingerprint_a, n.fingerprint_b);
CREATE INDEX identity_conflict_run IF NOT EXISTS FOR (n:IdentityConflict) ON (n.run_id);
CREATE INDEX source_record_fingerprint IF NOT EXISTS FOR (n:SourceRecord) ON (n.fingerprint);
CREATE INDEX audit_event_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at);
