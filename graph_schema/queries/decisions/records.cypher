// The current source records named by an officer (record keys of the latest run), with
// their stable fingerprint, person and division: what a decision is keyed by.
// @example {"record_keys": ["hukou:1", "xueji:1"]}
MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord)
WHERE r.record_key IN $record_keys
RETURN r.record_key AS record_key, r.fingerprint AS fingerprint, p.person_id AS person_id,
       r.division_code AS division_code
ORDER BY record_key
