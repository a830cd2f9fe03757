// What CSV cannot carry, after the offline importer (graph/bulk_import.py): an empty
// list. The importer reads an empty array field as no property, where the Bolt load
// writes []; rows name a node of the load by its label and key, and props its empty
// lists (e.g. {warnings: []} of a SourceRecord).
// @example {"rows": [{"label": "SourceRecord", "key": "hukou:1", "props": {"warnings": []}}]}
UNWIND $rows AS row
CALL (row) {
  MATCH (n:SourceRecord {record_key: row.key}) WHERE row.label = 'SourceRecord' RETURN n
  UNION
  MATCH (n:Person {person_id: row.key}) WHERE row.label = 'Person' RETURN n
  UNION
  MATCH (n:Division {code: row.key}) WHERE row.label = 'Division' RETURN n
  UNION
  MATCH (n:School {school_id: row.key}) WHERE row.label = 'School' RETURN n
  UNION
  MATCH (n:Household {key: row.key}) WHERE row.label = 'Household' RETURN n
  UNION
  MATCH (n:Contact {contact_id: row.key}) WHERE row.label = 'Contact' RETURN n
  UNION
  MATCH (n:Visit {key: row.key}) WHERE row.label = 'Visit' RETURN n
}
SET n += row.props
