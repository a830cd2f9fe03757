// What CSV cannot carry, after the offline importer (graph/bulk_import.py): an empty
// list. The importer reads an empty array field as no property, where the Bolt load
// writes [], so the CSV carries the one-element list [$marker] (U+001E) instead, and this
// makes each such list of the nodes of $label [] again, 10,000 nodes per transaction.
// Runs in an auto-commit transaction (GraphStore.run_batched).
// @example {"label": "SourceRecord", "properties": ["warnings", "id_candidates"], "marker": "\u001e"}
MATCH (n:$($label))
WHERE any(p IN $properties WHERE n[p] = [$marker])
CALL (n) {
  UNWIND $properties AS p
  WITH n, p
  WHERE n[p] = [$marker]
  SET n[p] = []
} IN TRANSACTIONS OF 10000 ROWS
