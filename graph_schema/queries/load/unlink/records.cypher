// Deletes a changed record's own links (HAS_RECORD from its person, REGISTERED_IN,
// ENROLLED_AT, MEMBER_OF, PAID_BY) before load/records writes it again, so it keeps
// none it no longer has (graph/load.py).
// @example {"rows": [{"record_key": "hukou:1"}]}
UNWIND $rows AS row
MATCH (r:SourceRecord {record_key: row.record_key})
CALL (r) {
  MATCH (:Person)-[h:HAS_RECORD]->(r)
  DELETE h
}
CALL (r) {
  MATCH (r)-[x:REGISTERED_IN|ENROLLED_AT|MEMBER_OF|PAID_BY]->()
  DELETE x
}
