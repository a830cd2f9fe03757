// The change feed: what one run did to each case it reconciled (new, still_open,
// resolved_by_data, reopened, excluded_still_seen …, with why). One CaseChange per run
// and case, merged on its id: a repeated run (the same run_id) keeps what the first said.
// @example {"rows": [{"change_id": "20251020T080000Z-abc|KB-431222-0000000000", "run_id": "20251020T080000Z-abc", "case_id": "KB-431222-0000000000", "change": "transferred_in", "reason": "责任县变化", "from_county": "431202"}]}
UNWIND $rows AS row
MERGE (ch:CaseChange {change_id: row.change_id})
ON CREATE SET ch.run_id = row.run_id, ch.case_id = row.case_id, ch.change = row.change, ch.reason = row.reason,
              ch.from_county = row.from_county
