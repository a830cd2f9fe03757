// Every relationship of one backed-up type between two backed-up labels: the keys of
// its ends and its properties (notoneless.backup).
// @example {"type": "HAS_EVENT", "from_label": "Case", "from_key": "case_id", "to_label": "CaseEvent", "to_key": "event_id"}
MATCH (a:$($from_label))-[r:$($type)]->(b:$($to_label))
RETURN a[$from_key] AS start, b[$to_key] AS end, properties(r) AS props
ORDER BY start, end
