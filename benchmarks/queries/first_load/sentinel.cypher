// One Division no bundle has (benchmarks/first_load.py): the graph then holds run data, so
// the next full load takes the MERGE path, as every full load did before the first-load
// path; that load removes it again as stale.
// @example {"run_id": "bench-sentinel"}
MERGE (d:Division {code: 'bench-sentinel'})
SET d.run_id = $run_id
