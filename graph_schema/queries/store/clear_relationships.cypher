// Deletes every relationship, 10,000 per transaction (GraphStore.clear(), before
// store/clear). Deleting the nodes with DETACH DELETE alone put all relationships of one
// node in one transaction: a division or a school of a 1M-record graph holds hundreds of
// thousands, past the transaction memory pool. Runs in an auto-commit transaction.
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF 10000 ROWS
