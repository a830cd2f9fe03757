// Household nodes, first load only: load/households with CREATE for MERGE (see load/
// create/persons for why both exist).
// @example {"rows": [{"key": "hukou:first-load", "number": "4312020001", "system": "hukou", "run_id": "example"}]}
UNWIND $rows AS row
CREATE (h:Household {key: row.key})
SET h.number = row.number, h.system = row.system, h.run_id = row.run_id
