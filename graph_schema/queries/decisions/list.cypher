// Decisions for the officers' list, newest first, each with how the latest run that
// checked it honoured it (null when no run has yet), optionally only those about
// records in a scope ($division a code prefix or $school a 学校标识码; both null: all)
// — a decision whose records vanished stays visible by the divisions it was made in.
// @example {"division": null, "school": null, "limit": 50, "offset": 0}
MATCH (d:IdentityDecision)
WHERE ($division IS NULL AND $school IS NULL)
   OR ($school IS NULL AND any(code IN coalesce(d.division_codes, []) WHERE code STARTS WITH $division))
   OR EXISTS {
        MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord)
        WHERE r.fingerprint IN [d.fingerprint_a, d.fingerprint_b]
          AND (($school IS NULL
                AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
                     OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                                 WHERE sc.county_code STARTS WITH $division }))
               OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                           WHERE sc.school_id = $school }) }
WITH d ORDER BY d.decided_at DESC, d.decision_id DESC
WITH collect(d) AS found
UNWIND found[$offset..$offset + $limit] AS d
CALL (d) {
  OPTIONAL MATCH (d)-[h:HONOURED_IN]->(run:Run)
  RETURN h {.status, .record_keys, .person_ids, run_id: run.run_id} AS last
  ORDER BY run.started_at DESC
  LIMIT 1
}
RETURN size(found) AS total, d {.*} AS decision, last
