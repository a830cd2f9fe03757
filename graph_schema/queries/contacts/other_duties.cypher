// Before an assignment: which of $targets (one duty type's keys, as contacts/targets_in_scope
// returns them) already have another contact ($contact_id excepted) of that duty type — an
// assignment would give them a second one (a child a second 包人). With those contacts and
// their duty status; no row for a target that has none.
// @example {"duty_type": "包人", "targets": ["P000001"], "contact_id": "C0001"}
UNWIND $targets AS target
CALL (target) {
  MATCH (d:Division {code: target})<-[x:RESPONSIBLE_FOR]-(c:Contact)
  WHERE $duty_type = '包村' AND x.type = $duty_type AND c.contact_id <> $contact_id
  RETURN d.name AS name, c, x.status AS status
  UNION
  MATCH (h:Household {key: target})<-[x:RESPONSIBLE_FOR]-(c:Contact)
  WHERE $duty_type = '包户' AND x.type = $duty_type AND c.contact_id <> $contact_id
  RETURN head(COLLECT { MATCH (h)<-[:MEMBER_OF]-(r:SourceRecord) WHERE r.head_name IS NOT NULL
                        RETURN r.head_name ORDER BY r.record_key }) AS name, c, x.status AS status
  UNION
  MATCH (p:Person {person_id: target})<-[x:RESPONSIBLE_FOR]-(c:Contact)
  WHERE $duty_type = '包人' AND x.type = $duty_type AND c.contact_id <> $contact_id
  RETURN p.name AS name, c, x.status AS status
}
WITH target, name, c, collect(DISTINCT status) AS statuses
ORDER BY target, c.contact_id
RETURN target, name,
       collect({contact_id: c.contact_id, name: c.name, status: CASE WHEN '在岗' IN statuses THEN '在岗' ELSE '离岗' END})
       AS others
ORDER BY target
