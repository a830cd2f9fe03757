// The county each contact belongs to (c.county_code, who may act on it: contacts/contact):
// the county most of its bundle rows (RESPONSIBLE_FOR keyed contacts:<row>) point into —
// a village's code, or the division codes of a household's or a person's records — else,
// for a contact registered in the service, the county it was registered for. Service
// assignments never move a contact to another county. Run after the responsibilities.
// Sets only what differs, so a load that changed nothing writes nothing here.
// @example {}
MATCH (c:Contact)
CALL (c) {
  OPTIONAL MATCH (c)-[x:RESPONSIBLE_FOR]->(t)
  WHERE x.row_key STARTS WITH 'contacts:'
  WITH CASE WHEN t:Division THEN [t.code]
            WHEN t IS NULL THEN []
            ELSE COLLECT { MATCH (t)-[:HAS_RECORD|MEMBER_OF]-(r:SourceRecord) RETURN r.division_code } END AS codes
  UNWIND codes AS code
  WITH substring(code, 0, 6) AS county
  WHERE size(county) = 6
  WITH county, count(*) AS n
  ORDER BY n DESC, county
  RETURN collect(county)[0] AS from_rows
}
CALL (c) {
  OPTIONAL MATCH (reg:ContactRegistration {contact_id: c.contact_id})
  WITH reg ORDER BY reg.made_at DESC
  RETURN collect(reg.county_code)[0] AS registered
}
WITH c, coalesce(from_rows, registered) AS county
CALL (c, county) {
  WITH c, county
  WHERE NOT coalesce(c.county_code = county, c.county_code IS NULL AND county IS NULL)
  SET c.county_code = county
}
RETURN count(county) AS with_county, count(*) AS contacts
