// Every 三包 assignment event (assign / release) the service holds, oldest first; read
// by a run before it loads the contacts (contacts/effective.py).
// @example {}
MATCH (a:ContactAssignment)
RETURN a.assignment_id AS assignment_id, a.action AS action, a.contact_id AS contact_id,
       a.duty_type AS duty_type, a.target AS target, a.made_by AS made_by, a.made_at AS made_at,
       a.note AS note, a.batch_id AS batch_id
ORDER BY made_at, assignment_id
