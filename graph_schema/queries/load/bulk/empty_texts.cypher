// What the offline importer cannot carry (graph/bulk_import.py): an empty text. Its
// Parquet reader drops an empty text (no property), where the Bolt load writes '', so the
// file carries the one character $marker (U+001E) instead, and this makes each such
// property of the nodes of $label '' again, 10,000 nodes per transaction. Run only for
// a label whose rows hold an empty text (rare: empty lists, which every record has, are
// read as [] and need nothing). Runs in an auto-commit transaction (GraphStore.run_batched).
// @example {"label": "SourceRecord", "properties": ["relation", "head_name"], "marker": "\u001e"}
MATCH (n:$($label))
WHERE any(p IN $properties WHERE n[p] = $marker)
CALL (n) {
  UNWIND $properties AS p
  WITH n, p
  WHERE n[p] = $marker
  SET n[p] = ''
} IN TRANSACTIONS OF 10000 ROWS
