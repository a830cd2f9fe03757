// Household nodes (户): hukou 户号 and fupin 户编号, keyed "<system>:<number>" (the two
// systems number households independently).
// @example {"rows": [{"key": "hukou:4312020001", "number": "4312020001", "system": "hukou", "run_id": "example"}]}
UNWIND $rows AS row
MERGE (h:Household {key: row.key})
SET h.number = row.number, h.system = row.system, h.run_id = row.run_id
