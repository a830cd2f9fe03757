// Every contact registered in the service (contacts no bundle listed), oldest first.
// @example {}
MATCH (r:ContactRegistration)
RETURN r.registration_id AS registration_id, r.contact_id AS contact_id, r.name AS name, r.phone AS phone,
       r.unit AS unit, r.made_by AS made_by, r.made_at AS made_at, r.note AS note
ORDER BY made_at, registration_id
