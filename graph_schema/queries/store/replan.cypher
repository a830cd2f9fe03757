// Brings the planner's statistics up to date after a large write (GraphStore.replan(): the
// load, the run's findings, the reconciled ledger): resamples every index that is out of
// date, waits for it, then empties the query cache, so that the next queries are planned on
// what the graph now holds. Without it, the first run's cases (25,000 at 1M records) met a
// Case(state) index sampled while it was still empty: the planner scanned that index once per
// review item (reviews/consequence_facts: 17-20 s instead of 0.1-0.5 s), now and then.
CALL db.prepareForReplanning()
