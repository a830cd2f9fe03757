// Every contact status change (在岗 / 离岗) the service holds, oldest first.
// @example {}
MATCH (s:ContactStatusChange)
RETURN s.change_id AS change_id, s.contact_id AS contact_id, s.status AS status, s.made_by AS made_by,
       s.made_at AS made_at, s.note AS note
ORDER BY made_at, change_id
