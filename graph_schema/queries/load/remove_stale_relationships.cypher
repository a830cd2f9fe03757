// Deletes up to $limit relationships the load owns that an earlier run wrote and this
// run did not (their run_id is older; CONCERNS: a 三包 event to its target, contacts/link_events).
// Called until it removes fewer than $limit.
// @example {"run_id": "example", "limit": 1000}
MATCH ()-[r:PART_OF|IN|HAS_RECORD|REGISTERED_IN|ENROLLED_AT|MEMBER_OF|PAID_BY|RESPONSIBLE_FOR|BY|TO|CONCERNS]->()
WHERE r.run_id <> $run_id
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS removed
