// Registers a contact no bundle lists (an immutable ContactRegistration) and creates its
// Contact node (在岗) so it can be assigned before the next run; no row when the contact
// id is already known. The contact belongs to $county_code (contacts/contact).
// @example {"registration_id": "CR-example", "contact_id": "C9001", "name": "王老师", "phone": "13800000001", "unit": "示例中心校", "county_code": "431202", "made_by": "示例用户", "actor_id": "U-0123456789ab", "actor_role": "乡镇专干", "actor_division": "431202101", "made_at": "2025-10-20T08:00:00Z", "note": null}
OPTIONAL MATCH (old:Contact {contact_id: $contact_id})
WITH old
WHERE old IS NULL
CREATE (r:ContactRegistration)
SET r.registration_id = $registration_id, r.contact_id = $contact_id, r.name = $name, r.phone = $phone,
    r.unit = $unit, r.county_code = $county_code, r.made_by = $made_by,
    r.actor_id = $actor_id, r.actor_role = $actor_role, r.actor_division = $actor_division, r.made_at = datetime($made_at), r.note = $note
CREATE (c:Contact {contact_id: $contact_id})
SET c.name = $name, c.phone = $phone, c.unit = $unit, c.status = '在岗', c.county_code = $county_code
RETURN r.registration_id AS registration_id
