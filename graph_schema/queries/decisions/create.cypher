// One officer's identity decision (身份判定): who, when, which two records (by their
// stable fingerprints, sorted), the verdict (same | different | defer | withdraw) and
// a note. Created here and never updated or deleted: no query of the project SETs,
// REMOVEs or DELETEs an IdentityDecision (a withdrawal is another decision).
// @example {"props": {"decision_id": "D20251020T080100-0000abce", "verdict": "same", "decided_by": "示例用户", "decided_at": "2025-10-20T08:00:00Z", "role": "县级数据员", "fingerprint_a": "fp-a", "fingerprint_b": "fp-b", "record_key_a": "hukou:1", "record_key_b": "xueji:1", "person_id_a": "P000001", "person_id_b": "P000002", "division_codes": ["431202101001"], "note": "户籍与学籍为同一人", "withdraws": null}}
CREATE (d:IdentityDecision)
SET d = $props, d.decided_at = datetime($props.decided_at)
RETURN d {.*} AS decision
