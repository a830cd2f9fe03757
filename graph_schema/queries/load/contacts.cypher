// Contact nodes (帮扶联系人), one per 联系人编号; status 在岗 when any of its rows is.
// @example {"rows": [{"contact_id": "C0001", "name": "李老师", "phone": "13800000000", "unit": "示例中心校", "status": "在岗", "run_id": "example"}]}
UNWIND $rows AS row
MERGE (c:Contact {contact_id: row.contact_id})
SET c = row
