"""reachtools: what tools/crosscheck and tools/bench share.

- inputs:   zone layers (`read_zones`, one reader whose options name each script's filters and repairs), GeoJSON in
            EPSG:27700 (`read_geojson`), point positions (`points_of`), the fixture-or-shared-data path rule;
- runner:   runs reach for one case into its own folder (status, stderr, args) and checks its exit status;
- checking: the pass/fail bookkeeping of every checker (`Case`, `summarise`, `run_cases`), the skip rule
            (a skipped case is a failure under CI=true) and oracle self-checks kept out of the reach count;
- report:   the one total line over the checkers' logs that the cross-checks print last ('N passed, M failed');
- crosscheck_cases: the table of cross-check cases (inputs, reach command, checker, what data each needs);
- crosscheck: the driver over that table, `python -m reachtools.crosscheck` (what tools/crosscheck/run.sh runs).

Nothing here imports geopandas or pandas at import time except `inputs`, so a timed peer pays only for what it
used before. Scripts add tools/ to sys.path (or run.sh sets PYTHONPATH) and `from reachtools import ...`.
"""
