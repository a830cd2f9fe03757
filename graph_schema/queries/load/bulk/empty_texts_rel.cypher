// load/bulk/empty_texts for the relationships of $type: each of their $properties that
// the offline importer was given as $marker (U+001E, for an empty text) made '' again,
// 10,000 per transaction. Runs in an auto-commit transaction (GraphStore.run_batched).
// @example {"type": "MEMBER_OF", "properties": ["relation"], "marker": "\u001e"}
MATCH ()-[r:$($type)]->()
WHERE any(p IN $properties WHERE r[p] = $marker)
CALL (r) {
  UNWIND $properties AS p
  WITH r, p
  WHERE r[p] = $marker
  SET r[p] = ''
} IN TRANSACTIONS OF 10000 ROWS
