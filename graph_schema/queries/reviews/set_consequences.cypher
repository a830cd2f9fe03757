// What deciding each review item would change (decisions/consequence.py), and its rank:
// importance (三包对象 2 + 资助发放 1, reviews/rank) gains 4 when the item is queued, so those
// items come first (`% 4`: the rank's own part, so that assessing again does not add twice).
// Queued for an officer: an item whose decision changes a finding, a case or a payment,
// unless the ID numbers agree with the threshold (auto_reason). The others are left as the
// run decided them at the model's threshold (按阈值自动判定), listed on request, their
// explanation still available.
// @example {"rows": [{"review_id": "R0123456789ab", "verdict": "same", "consequences": ["1 名儿童不再列为疑似辍学"], "queued": false, "auto_reason": "两人各有有效且不同的身份证号（并非一位录入之差），与按阈值判为不同人一致，未排入待核"}]}
UNWIND $rows AS row
MATCH (c:IdentityConflict {review_id: row.review_id})
SET c.consequence_verdict = row.verdict, c.consequences = row.consequences,
    c.queued = row.queued, c.auto_reason = row.auto_reason,
    c.importance = coalesce(c.importance, 0) % 4 + CASE WHEN row.queued THEN 4 ELSE 0 END
