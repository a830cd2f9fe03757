// Whether a decision is in the caller's scope (api/access.py): both of its records
// belong to persons in scope now, or — its records vanished — it was made on records
// registered under $division.
// @example {"decision_id": "D20251020T080000-0000abcd", "division": "43", "school": null}
MATCH (d:IdentityDecision {decision_id: $decision_id})
WITH d, COLLECT {
  MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord)
  WHERE r.fingerprint IN [d.fingerprint_a, d.fingerprint_b]
    AND (($school IS NULL
          AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
               OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                           WHERE sc.county_code STARTS WITH $division }))
         OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school })
  RETURN DISTINCT r.fingerprint AS fp
} AS in_scope,
COLLECT { MATCH (r:SourceRecord) WHERE r.fingerprint IN [d.fingerprint_a, d.fingerprint_b]
          RETURN DISTINCT r.fingerprint AS fp } AS present
WHERE (size(present) > 0 AND all(fp IN present WHERE fp IN in_scope))
   OR (size(present) = 0 AND $school IS NULL
       AND any(code IN coalesce(d.division_codes, []) WHERE code STARTS WITH $division))
RETURN d.decision_id AS decision_id
