// A contact's status change (在岗 / 离岗), created once and never changed, and applied to
// the current graph at once: the contact and every responsibility of theirs take it.
// @example {"change_id": "CS-example", "contact_id": "C0001", "status": "离岗", "made_by": "示例用户", "actor_id": "U-0123456789ab", "actor_role": "乡镇专干", "actor_division": "431202101", "made_at": "2025-10-20T08:00:00Z", "note": "调离"}
MATCH (c:Contact {contact_id: $contact_id})
CREATE (s:ContactStatusChange)
SET s.change_id = $change_id, s.contact_id = $contact_id, s.status = $status, s.made_by = $made_by,
    s.actor_id = $actor_id, s.actor_role = $actor_role, s.actor_division = $actor_division,
    s.made_at = datetime($made_at), s.note = $note, c.status = $status
WITH c
CALL (c) {
  MATCH (c)-[x:RESPONSIBLE_FOR]->()
  SET x.status = $status
  RETURN count(x) AS responsibilities
}
RETURN responsibilities
