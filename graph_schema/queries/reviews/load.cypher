// The review queue of a run (待核身份冲突): one IdentityConflict node per pair of records
// that linkage flagged (identity_conflicts, all its codes), CONCERNS both SourceRecords.
// Replaced on every run (reviews/remove_old deletes the previous run's).
// @example {"rows": [{"record_key_a": "hukou:1", "record_key_b": "xueji:1", "props": {"review_id": "R0123456789ab", "run_id": "example", "codes": ["NEAR_THRESHOLD"], "labels": ["接近判定阈值"], "reasons": ["模型判为不同人，但匹配概率 0.700 接近判定阈值 0.900，请核实是否同一人。"], "match_weight": 1.2, "match_probability": 0.7, "record_key_a": "hukou:1", "record_key_b": "xueji:1", "fingerprint_a": "fp-a", "fingerprint_b": "fp-b", "person_id_a": "P000001", "person_id_b": "P000002", "counties": ["431202"], "same_person": false, "decided": "same"}}]}
UNWIND $rows AS row
CREATE (c:IdentityConflict)
SET c = row.props
WITH c, row
CALL (c, row) {
  MATCH (r:SourceRecord {record_key: row.record_key_a})
  CREATE (c)-[:CONCERNS {side: 'a'}]->(r)
}
CALL (c, row) {
  MATCH (r:SourceRecord {record_key: row.record_key_b})
  CREATE (c)-[:CONCERNS {side: 'b'}]->(r)
}
