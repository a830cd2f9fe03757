// The ids of the contacts of county $county (c.county_code: load/contact_counties, or the
// county a registered contact belongs to), for a page's choice list; contacts/contact says
// which of them the officer may act on.
// @example {"county": "431224"}
MATCH (c:Contact)
WHERE c.county_code = $county
RETURN c.contact_id AS contact_id
ORDER BY contact_id
