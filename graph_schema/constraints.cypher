// Uniqueness constraints on the model's keys (each also gives the key an index).
// Applied by `notoneless graph init` / GraphStore.init_schema(); idempotent.
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.person_id IS UNIQUE;
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.record_key IS UNIQUE;
CREATE CONSTRAINT household_key IF NOT EXISTS FOR (n:Household) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT division_code IF NOT EXISTS FOR (n:Division) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT school_id IF NOT EXISTS FOR (n:School) REQUIRE n.school_id IS UNIQUE;
CREATE CONSTRAINT payment_record_key IF NOT EXISTS FOR (n:Payment) REQUIRE n.record_key IS UNIQUE;
CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (n:Contact) REQUIRE n.contact_id IS UNIQUE;
CREATE CONSTRAINT visit_key IF NOT EXISTS FOR (n:Visit) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT run_id IF NOT EXISTS FOR (n:Run) REQUIRE n.run_id IS UNIQUE;
CREATE CONSTRAINT case_id IF NOT EXISTS FOR (n:Case) REQUIRE n.case_id IS UNIQUE;
CREATE CONSTRAINT case_event_id IF NOT EXISTS FOR (n:CaseEvent) REQUIRE n.event_id IS UNIQUE;
// One case per child and duty for life (一生一案): reconciliation finds cases by this key.
CREATE CONSTRAINT case_match_key IF NOT EXISTS FOR (n:Case) REQUIRE n.match_key IS UNIQUE;
CREATE CONSTRAINT case_change_id IF NOT EXISTS FOR (n:CaseChange) REQUIRE n.change_id IS UNIQUE;
// Findings of the checks: one node per finding key (kind + natural key), across runs.
CREATE CONSTRAINT finding_key IF NOT EXISTS FOR (n:Finding) REQUIRE n.key IS UNIQUE;

// API users (officers): one name each, found by the SHA-256 of their bearer token.
CREATE CONSTRAINT user_name IF NOT EXISTS FOR (n:User) REQUIRE n.name IS UNIQUE;

// Officers' 三包 events (contacts/events.py): created once, each with its own id.
CREATE CONSTRAINT contact_assignment_id IF NOT EXISTS FOR (n:ContactAssignment) REQUIRE n.assignment_id IS UNIQUE;
CREATE CONSTRAINT contact_status_change_id IF NOT EXISTS FOR (n:ContactStatusChange) REQUIRE n.change_id IS UNIQUE;
CREATE CONSTRAINT contact_registration_id IF NOT EXISTS FOR (n:ContactRegistration) REQUIRE n.registration_id IS UNIQUE;
// Officers' identity decisions (身份判定): one node per decision, and at most one
// withdrawal per decision (a decision is withdrawn by another decision naming it).
CREATE CONSTRAINT identity_decision_id IF NOT EXISTS FOR (n:IdentityDecision) REQUIRE n.decision_id IS UNIQUE;
CREATE CONSTRAINT identity_decision_withdraws IF NOT EXISTS FOR (n:IdentityDecision) REQUIRE n.withdraws IS UNIQUE;
// Audit events: written by MERGE on their id (api/audit/record.cypher), so a journal
// event moved twice is one node.
CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.event_id IS UNIQUE;
CREATE CONSTRAINT user_change_id IF NOT EXISTS FOR (n:UserChange) REQUIRE n.change_id IS UNIQUE;

// The load marker (graph/load.py, load/marker*): one node, the token of the last completed load.
CREATE CONSTRAINT graph_load_token IF NOT EXISTS FOR (n:GraphLoad) REQUIRE n.token IS UNIQUE;
