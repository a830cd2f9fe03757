// The review queue, most important first (then the strongest evidence of a mistake: the
// highest match probability), optionally of one county, within a scope ($division a code
// prefix, $school a 学校标识码; both null: everything), undecided items only unless
// $decided, and queued items only (deciding them changes a finding, a case, a payment or an
// attribution; an item not assessed counts as queued) unless $auto: the others stand as the
// run decided them at the threshold. One page, with the total.
// @example {"county": null, "decided": false, "auto": false, "division": null, "school": null, "limit": 50, "offset": 0}
MATCH (c:IdentityConflict)
WHERE ($decided OR c.decided IS NULL)
  AND ($auto OR coalesce(c.queued, true))
  AND ($county IS NULL OR $county IN c.counties)
  AND (($division IS NULL AND $school IS NULL)
       OR EXISTS {
            MATCH (c)-[:CONCERNS]->(:SourceRecord)<-[:HAS_RECORD]-(p:Person)
            WHERE ($school IS NULL
                   AND (EXISTS { MATCH (p)-[:HAS_RECORD]->(sr:SourceRecord) WHERE sr.division_code STARTS WITH $division }
                        OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                                    WHERE sc.county_code STARTS WITH $division }))
               OR EXISTS { MATCH (p)-[:HAS_RECORD]->(:SourceRecord)-[:ENROLLED_AT]->(sc:School)
                           WHERE sc.school_id = $school } })
WITH c ORDER BY c.importance DESC, c.match_probability DESC, c.review_id
WITH collect(c {.review_id, .run_id, .codes, .labels, .reasons, .match_weight, .match_probability,
                .record_key_a, .record_key_b, .person_id_a, .person_id_b, .counties, .same_person,
                .importance, .importance_reasons, .decided, .consequence_verdict,
                .consequences, .queued, .auto_reason}) AS found
RETURN size(found) AS total, found[$offset..$offset + $limit] AS items
