// Every node of one backed-up label, with all its labels and properties, in key order
// (notoneless.backup: `notoneless backup` streams one label at a time).
// @example {"label": "Case", "key": "case_id"}
MATCH (n:$($label))
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n[$key]
