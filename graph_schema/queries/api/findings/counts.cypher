// Findings per kind within the caller's scope (active ones, or those seen in $run_id).
// @example {"run_id": null, "division": "43", "school": null}
MATCH (f:Finding)
WHERE (CASE WHEN $run_id IS NULL THEN f.active = true
            ELSE EXISTS { MATCH (f)-[:SEEN_IN]->(:Run {run_id: $run_id}) } END)
  AND (EXISTS { MATCH (f)-[:ABOUT]->(p:Person) WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school }) }
       OR (f.person_id IS NULL AND $school IS NULL AND f.division_code STARTS WITH $division))
RETURN f.kind AS kind, f.label AS label, count(*) AS findings
ORDER BY kind
