// What link_cases needs of every case: its person, county and opening run.
// @example {}
MATCH (c:Case)
RETURN c.case_id AS case_id, c.person_id AS person_id, c.responsible_county AS county, c.opened_run AS opened_run
