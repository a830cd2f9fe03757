// Findings (问题线索) with filters, within the caller's scope (a finding about a person:
// the person's scope; a finding about a village only, 包村缺位: the village under
// $division), ordered by kind and key, one page. $county matches the finding's division
// or one of its county columns (责任县, 户籍县, 学籍县, 资助责任县, 核实责任县, 发放县, 应发县);
// $town and $village the finding's division or a registration of its person.
// $run_id: findings seen in that run; else $active: only the ones the last run found.
// @example {"kind": null, "county": null, "town": null, "village": null, "run_id": null, "active": true, "division": "43", "school": null, "limit": 50, "offset": 0}
MATCH (f:Finding)
WHERE ($kind IS NULL OR f.kind = $kind)
  AND (CASE WHEN $run_id IS NULL THEN (NOT $active OR f.active = true)
            ELSE EXISTS { MATCH (f)-[:SEEN_IN]->(:Run {run_id: $run_id}) } END)
  AND ($county IS NULL OR f.division_code STARTS WITH $county
       OR any(i IN range(0, size(f.columns) - 1)
              WHERE f.columns[i] ENDS WITH '县' AND $county IN split(f.values[i], ';')))
  AND ($town IS NULL OR f.division_code STARTS WITH $town
       OR EXISTS { MATCH (f)-[:ABOUT]->(:Person)-[:HAS_RECORD]->(tr:SourceRecord)
                   WHERE tr.division_code STARTS WITH $town })
  AND ($village IS NULL OR f.division_code STARTS WITH $village
       OR EXISTS { MATCH (f)-[:ABOUT]->(:Person)-[:HAS_RECORD]->(vr:SourceRecord)
                   WHERE vr.division_code STARTS WITH $village })
  AND (EXISTS { MATCH (f)-[:ABOUT]->(p:Person) WHERE (($school IS NULL
        AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
             OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                         WHERE sc.county_code STARTS WITH $division }))
       OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School) WHERE sc.school_id = $school }) }
       OR (f.person_id IS NULL AND $school IS NULL AND f.division_code STARTS WITH $division))
WITH f ORDER BY f.kind, f.key
WITH collect(f {.key, .kind, .label, .person_id, .division_code, .active, .run_id, .first_run_id,
                .columns, .values}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
