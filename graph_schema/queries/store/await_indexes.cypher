// Waits (up to 300 s) until every index is online; run by GraphStore.init_schema().
CALL db.awaitIndexes(300)
