// What deciding each review item would change (decisions/consequence.py), and its rank:
// importance (三包对象 2 + 资助发放 1, reviews/rank) gains 4 when deciding changes a
// finding, a case or a payment, so those items come first in the queue (`% 4`: the rank's
// own part, so that assessing again does not add twice). Only such an item is queued for an
// officer (queued); the others are left as the run decided them at the model's threshold
// (按阈值自动判定), listed on request, their explanation still available.
// @example {"rows": [{"review_id": "R0123456789ab", "verdict": "same", "consequences": ["1 名儿童不再列为疑似辍学"]}]}
UNWIND $rows AS row
MATCH (c:IdentityConflict {review_id: row.review_id})
SET c.consequence_verdict = row.verdict, c.consequences = row.consequences,
    c.queued = size(row.consequences) > 0,
    c.importance = coalesce(c.importance, 0) % 4 + CASE WHEN size(row.consequences) > 0 THEN 4 ELSE 0 END
