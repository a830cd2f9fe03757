// benchmarks/checks_cases.py --mode first: removes the findings and the case ledger (cases,
// their events and change feed) so that the next checks + cases stages meet them as a
// first run does. Only for a throw-away benchmark workspace.
// @example {}
MATCH (n)
WHERE n:Finding OR n:Case OR n:CaseEvent OR n:CaseChange
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
