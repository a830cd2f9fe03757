// Deletes every node (and any relationship left: store/clear_relationships ran first),
// 10,000 per transaction; the schema stays
// (GraphStore.clear(), for tests). Runs in an auto-commit transaction.
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
