// Refreshes what a run's finding says about cases it matched (attribution, title, the
// finding's columns as JSON, the last run that saw it, and for a closed case whose reason
// still holds the note that says so, else none). The attribution is kept as it is when
// the county is the hand-off's to change (keep_attribution). Not a state change: no event.
// @example {"run_id": "example", "rows": [{"case_id": "KB-431222-0000000000", "hold_note": null, "keep_attribution": false, "title": "张伟 疑似失学辍学", "finding_json": "{}", "responsible_county": "431222", "responsible_town": "431222101", "responsible_village": "431222101203", "responsible_school": null}]}
UNWIND $rows AS row
MATCH (c:Case {case_id: row.case_id})
SET c.title = row.title, c.finding_json = row.finding_json, c.last_seen_run = $run_id, c.hold_note = row.hold_note,
    c.responsible_county = CASE WHEN row.keep_attribution THEN c.responsible_county ELSE row.responsible_county END,
    c.responsible_town = CASE WHEN row.keep_attribution THEN c.responsible_town ELSE row.responsible_town END,
    c.responsible_village = CASE WHEN row.keep_attribution THEN c.responsible_village ELSE row.responsible_village END,
    c.responsible_school = CASE WHEN row.keep_attribution THEN c.responsible_school ELSE row.responsible_school END
RETURN count(c) AS refreshed
