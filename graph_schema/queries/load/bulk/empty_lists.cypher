// What CSV cannot carry, after the offline importer (graph/bulk_import.py): an empty
// list. The importer reads an empty array field as no property, where the Bolt load
// writes [], so the CSV carries a one-element list [$marker] (U+001E) instead, and this
// makes up to $limit of them [] again (called until it restores fewer).
// @example {"label": "SourceRecord", "property": "warnings", "marker": "\u001e", "limit": 1000}
MATCH (n:$($label))
WHERE n[$property] = [$marker]
WITH n LIMIT $limit
SET n[$property] = []
RETURN count(*) AS restored
