// Refreshes what a run's finding says about cases it matched (attribution, title, the
// finding's columns as JSON, the last run that saw it, and for a closed case whose reason
// still holds the note that says so, else none). Not a state change: no event.
// @example {"run_id": "example", "rows": [{"case_id": "KB-431222-0000000000", "hold_note": null, "title": "张伟 疑似失学辍学", "finding_json": "{}", "responsible_county": "431222", "responsible_town": "431222101", "responsible_village": "431222101203", "responsible_school": null}]}
UNWIND $rows AS row
MATCH (c:Case {case_id: row.case_id})
SET c.title = row.title, c.finding_json = row.finding_json, c.last_seen_run = $run_id, c.hold_note = row.hold_note,
    c.responsible_county = row.responsible_county, c.responsible_town = row.responsible_town,
    c.responsible_village = row.responsible_village, c.responsible_school = row.responsible_school
RETURN count(c) AS refreshed
