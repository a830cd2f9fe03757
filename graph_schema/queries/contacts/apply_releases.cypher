// An officer's 三包 releases take effect in the current graph at once: every
// responsibility of the contact for that duty and target goes (bundle rows included;
// the next run re-derives them by contacts/merge.py).
// @example {"rows": [{"contact_id": "C0001", "duty_type": "包人", "target": "P000001"}]}
UNWIND $rows AS row
MATCH (:Contact {contact_id: row.contact_id})-[x:RESPONSIBLE_FOR]->(t)
WHERE x.type = row.duty_type
  AND ((t:Division AND t.code = row.target) OR (t:Household AND t.key = row.target)
       OR (t:Person AND t.person_id = row.target))
DELETE x
