// Contact nodes, first load only: load/contacts with CREATE for MERGE (see load/create/
// persons for why both exist).
// @example {"rows": [{"contact_id": "C-first-load", "name": "李老师", "phone": "13800000000", "unit": "示例中心校", "status": "在岗", "run_id": "example"}]}
UNWIND $rows AS row
CREATE (c:Contact)
SET c = row
